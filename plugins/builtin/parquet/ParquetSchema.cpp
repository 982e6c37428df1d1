#include "builtin/parquet/ParquetSchema.h"

#include "common/Error.h"

namespace tunebench::parquet {

namespace {

struct Builder {
  const std::vector<SchemaElement>& elements;
  size_t next = 0;
  Schema schema;

  std::unique_ptr<SchemaNode> build(SchemaNode* parent, int depth) {
    if (next >= elements.size())
      throw Error("the schema's groups declare more children than it has elements");
    if (depth > kMaxSchemaDepth)
      throw Error("the schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
    auto node = std::make_unique<SchemaNode>();
    node->element = elements[next++];
    node->parent = parent;
    const SchemaElement& element = node->element;
    if (parent) {
      const bool optional = element.repetition != Repetition::Required;
      node->maxDefinitionLevel = parent->maxDefinitionLevel + (optional ? 1 : 0);
      node->maxRepetitionLevel = parent->maxRepetitionLevel + (node->isRepeated() ? 1 : 0);
    }
    if (element.type) {
      if (element.numChildren > 0)
        throw Error("schema element " + element.name + " has a type and children");
      if (!parent) throw Error("the schema's root is a column, not a group");
      if (element.type == PhysicalType::FixedLenByteArray &&
          (element.typeLength <= 0 || element.typeLength > kMaxFixedLength))
        throw Error("schema element " + element.name + " is a FIXED_LEN_BYTE_ARRAY of length " +
                    std::to_string(element.typeLength));
      node->leafIndex = static_cast<int>(schema.leaves.size());
      schema.leaves.push_back(node.get());
      return node;
    }
    if (element.numChildren <= 0)
      throw Error("schema element " + element.name + " is a group without children");
    if (static_cast<size_t>(element.numChildren) > elements.size() - next)
      throw Error("schema element " + element.name + " declares " +
                  std::to_string(element.numChildren) + " children, more than the schema holds");
    for (int32_t i = 0; i < element.numChildren; ++i)
      node->children.push_back(build(node.get(), depth + 1));
    return node;
  }
};

}  // namespace

Schema buildSchema(const std::vector<SchemaElement>& elements) {
  Builder builder{elements, 0, {}};
  auto root = builder.build(nullptr, 0);
  if (builder.next != elements.size())
    throw Error("the schema has " + std::to_string(elements.size() - builder.next) +
                " elements outside its root group");
  builder.schema.root = std::move(root);
  return std::move(builder.schema);
}

std::string columnPath(const SchemaNode& node) {
  if (!node.parent) return "";
  const std::string above = columnPath(*node.parent);
  return above.empty() ? node.element.name : above + "." + node.element.name;
}

}  // namespace tunebench::parquet

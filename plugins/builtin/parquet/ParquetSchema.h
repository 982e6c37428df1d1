#pragma once
// The schema tree built from the footer's flattened schema (depth first, num_children per group),
// with each node's definition and repetition levels and the leaf columns in file order.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "builtin/parquet/ParquetMetadata.h"

namespace tunebench::parquet {

// Deeper schemas are refused: record assembly recurses along a column's path.
constexpr int kMaxSchemaDepth = 64;
// FIXED_LEN_BYTE_ARRAY values longer than this (1 MiB) are refused.
constexpr int32_t kMaxFixedLength = 1 << 20;

struct SchemaNode {
  SchemaElement element;
  std::vector<std::unique_ptr<SchemaNode>> children;
  SchemaNode* parent = nullptr;
  int maxDefinitionLevel = 0;  // counting this node
  int maxRepetitionLevel = 0;  // counting this node
  int leafIndex = -1;          // for leaves: the column's index in each row group
  bool isLeaf() const { return element.type.has_value(); }
  bool isRepeated() const { return element.repetition == Repetition::Repeated; }
};

struct Schema {
  std::unique_ptr<SchemaNode> root;
  std::vector<const SchemaNode*> leaves;  // in column order
};

// Builds the tree; throws Error when the flattened list does not form one (children missing or
// left over, a group without children, a leaf with children, nesting beyond kMaxSchemaDepth).
Schema buildSchema(const std::vector<SchemaElement>& elements);

// The dotted path of a node below the root ("mc1_targets.choices.list.element").
std::string columnPath(const SchemaNode& node);

}  // namespace tunebench::parquet

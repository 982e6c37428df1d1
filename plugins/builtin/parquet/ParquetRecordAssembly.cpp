#include "builtin/parquet/ParquetRecordAssembly.h"

#include "common/Error.h"

namespace tunebench::parquet {

namespace {

using nlohmann::json;

Error contradiction(const SchemaNode& leaf, const std::string& problem) {
  return Error("column " + columnPath(leaf) + ": " + problem);
}

// Places one triple of a leaf column into `row`, the raw record of that column: groups as
// objects, repeated fields as arrays, undefined fields as null. A node is new when it lies below
// the repeated field the triple's repetition level points at (or in a new row); nodes above it
// were made by earlier triples of the row and are continued.
void place(json& row, const std::vector<const SchemaNode*>& path, LevelledValue&& triple) {
  const SchemaNode& leaf = *path.back();
  json* container = &row;
  int repeatedSoFar = 0;
  bool isNew = triple.repetition == 0;
  for (size_t i = 0; i < path.size(); ++i) {
    const SchemaNode& node = *path[i];
    const std::string& name = node.element.name;
    const bool last = i + 1 == path.size();
    const bool defined = triple.definition >= node.maxDefinitionLevel;
    if (!container->is_object()) throw contradiction(leaf, "levels contradict each other");
    if (node.isRepeated()) {
      ++repeatedSoFar;
      json& array = (*container)[name];
      if (isNew) {
        array = json::array();
        if (!defined) return;  // an empty list
      } else {
        if (!array.is_array() || array.empty())
          throw contradiction(leaf, "repetition level " + std::to_string(triple.repetition) +
                                        " continues a list that does not exist");
        if (!defined) throw contradiction(leaf, "levels contradict each other");
        if (repeatedSoFar == triple.repetition) isNew = true;  // a new element here
      }
      if (isNew) {
        array.push_back(last ? std::move(triple.value) : json::object());
        if (last) return;
      }
      container = &array.back();
      continue;
    }
    if (!isNew) {
      json& child = (*container)[name];
      if (!child.is_object()) throw contradiction(leaf, "levels contradict each other");
      container = &child;
      continue;
    }
    if (!defined) {
      (*container)[name] = nullptr;
      return;
    }
    if (last) {
      (*container)[name] = std::move(triple.value);
      return;
    }
    container = &((*container)[name] = json::object());
  }
}

// Adds `from` (one leaf's raw record) into `into` (the record so far).
void merge(json& into, json&& from, const SchemaNode& leaf) {
  if (into.is_object() && from.is_object()) {
    for (auto& [key, value] : from.items()) {
      auto found = into.find(key);
      if (found == into.end())
        into[key] = std::move(value);
      else
        merge(*found, std::move(value), leaf);
    }
    return;
  }
  if (into.is_array() && from.is_array()) {
    if (into.size() != from.size())
      throw contradiction(leaf, "holds a list of " + std::to_string(from.size()) +
                                    " entries where other columns hold " +
                                    std::to_string(into.size()));
    for (size_t i = 0; i < into.size(); ++i) merge(into[i], std::move(from[i]), leaf);
    return;
  }
  if (into.is_null() && from.is_null()) return;
  throw contradiction(leaf, "its levels disagree with the other columns' about this row");
}

bool annotated(const SchemaElement& e, int convertedType, LogicalKind logical) {
  return e.logical == logical || (e.convertedType && *e.convertedType == convertedType);
}

json convertField(const SchemaNode& node, json&& raw);

// One value of a node, repetition aside.
json convertValue(const SchemaNode& node, json&& raw) {
  if (raw.is_null() || node.isLeaf()) return std::move(raw);
  const auto& children = node.children;
  const bool oneRepeatedChild = children.size() == 1 && children[0]->isRepeated();
  if (oneRepeatedChild && annotated(node.element, converted::kList, LogicalKind::List)) {
    const SchemaNode& repeated = *children[0];
    json entries = std::move(raw[repeated.element.name]);
    json list = json::array();
    if (!entries.is_array()) return list;
    // Backward-compatibility rules of LogicalTypes.md: the repeated field is the element itself
    // when it is a primitive, has several fields, or is named "array" or "<list>_tuple".
    const bool twoLevel = repeated.isLeaf() || repeated.children.size() > 1 ||
                          repeated.element.name == "array" ||
                          repeated.element.name == node.element.name + "_tuple";
    for (auto& entry : entries) {
      if (twoLevel) {
        list.push_back(convertValue(repeated, std::move(entry)));
      } else {
        const SchemaNode& element = *repeated.children[0];
        list.push_back(convertField(element, std::move(entry[element.element.name])));
      }
    }
    return list;
  }
  const bool mapShape = oneRepeatedChild && !children[0]->isLeaf() &&
                        (children[0]->children.size() == 1 || children[0]->children.size() == 2);
  const bool legacyMap =
      node.element.convertedType && *node.element.convertedType == converted::kMapKeyValue;
  if (mapShape && (annotated(node.element, converted::kMap, LogicalKind::Map) || legacyMap)) {
    const SchemaNode& entryNode = *children[0];
    const SchemaNode& keyNode = *entryNode.children[0];
    json entries = std::move(raw[entryNode.element.name]);
    json map = json::object();
    if (!entries.is_array()) return map;
    for (auto& entry : entries) {
      json key = convertField(keyNode, std::move(entry[keyNode.element.name]));
      const std::string text = key.is_string() ? key.get<std::string>() : key.dump();
      json value;
      if (entryNode.children.size() == 2) {
        const SchemaNode& valueNode = *entryNode.children[1];
        value = convertField(valueNode, std::move(entry[valueNode.element.name]));
      }
      map[text] = std::move(value);
    }
    return map;
  }
  json object = json::object();
  for (const auto& child : children) {
    auto found = raw.find(child->element.name);
    object[child->element.name] =
        convertField(*child, found == raw.end() ? json() : std::move(*found));
  }
  return object;
}

// A field's value in its parent: for a repeated field, the array of its values.
json convertField(const SchemaNode& node, json&& raw) {
  if (!node.isRepeated()) return convertValue(node, std::move(raw));
  json list = json::array();
  if (raw.is_array())
    for (auto& entry : raw) list.push_back(convertValue(node, std::move(entry)));
  return list;
}

}  // namespace

RecordAssembler::RecordAssembler(const Schema& schema) : schema_(schema) {
  for (const SchemaNode* leaf : schema.leaves) {
    std::vector<const SchemaNode*> path;
    for (const SchemaNode* node = leaf; node->parent; node = node->parent) path.push_back(node);
    paths_.emplace_back(path.rbegin(), path.rend());
  }
}

json RecordAssembler::next(const std::vector<ColumnReader*>& columns) {
  json row = json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    ColumnReader& column = *columns[i];
    const LevelledValue* first = column.peek();
    if (!first) throw contradiction(column.leaf(), "ends before the row group's last row");
    if (first->repetition != 0)
      throw contradiction(
          column.leaf(), "a row starts with repetition level " + std::to_string(first->repetition));
    json raw = json::object();
    place(raw, paths_[i], column.take());
    for (const LevelledValue* more = column.peek(); more && more->repetition > 0;
         more = column.peek())
      place(raw, paths_[i], column.take());
    merge(row, std::move(raw), column.leaf());
  }
  return convertValue(*schema_.root, std::move(row));
}

}  // namespace tunebench::parquet

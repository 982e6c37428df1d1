#include "train/ConfigSummary.h"

#include <sstream>

namespace tunebench {

namespace {

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string methodLine(const TrainingConfig& c) {
  std::string line = std::string("Method: ") + labelOf(methodNames(), c.method.kind);
  const auto& m = c.method;
  if (m.usesAdapters()) {
    line += " (r " + std::to_string(m.lora.r) + ", alpha " + number(m.lora.alpha) + ", dropout " +
            number(m.lora.dropout) + (m.lora.rslora ? ", rsLoRA" : "") + "; on " +
            joined(m.lora.targets) + ")";
  } else if (m.kind == MethodKind::PromptTuning) {
    line += " (" + std::to_string(m.promptTuning.virtualTokens) + " virtual tokens)";
  } else if (m.kind == MethodKind::Bottleneck) {
    line += " (size " + std::to_string(m.bottleneck.size) + ", " +
            activationName(m.bottleneck.activation) + ")";
  } else if (m.kind == MethodKind::Freeze) {
    line += " (" + std::to_string(c.freezeLayers) + " lower layers" +
            (c.freezeEmbeddings ? " and the embeddings" : "") + " frozen)";
  } else if (m.kind == MethodKind::Half) {
    line += m.halfRounds > 0 ? " (" + std::to_string(m.halfRounds) + " rounds)"
                             : " (a round per epoch)";
  }
  return line;
}

std::string objectiveLine(const TrainingConfig& c) {
  std::string line = std::string("Objective: ") + labelOf(objectiveNames(), c.objective) +
                     " · max length " + std::to_string(c.data.maxLength) + " tokens";
  if (c.objective == Objective::Sft)
    line += " · fields " + c.data.promptField + " → " + c.data.responseField;
  else if (c.objective == Objective::Classification)
    line += " · fields " + c.data.textField + " → " + c.data.labelField;
  else
    line += " · field " + c.data.textField;
  if (c.data.packing) line += " · packed";
  return line;
}

std::string scheduleLine(const TrainingConfig& c) {
  std::string line = std::string("Schedule: ") + labelOf(scheduleNames(), c.schedule.kind) +
                     (c.schedule.warmupSteps > 0
                          ? " (" + std::to_string(c.schedule.warmupSteps) + " warm-up steps)"
                          : std::string(" (no warm-up)"));
  if (c.gradientAccumulation > 1)
    line += " · gradients accumulated over " + std::to_string(c.gradientAccumulation) + " batches";
  if (c.evalEvery > 0) line += " · validation every " + std::to_string(c.evalEvery) + " steps";
  if (c.checkpointEvery > 0)
    line += " · checkpoint every " + std::to_string(c.checkpointEvery) + " steps";
  return line;
}

}  // namespace

std::vector<std::string> describeRunConfig(const TrainingConfig& config,
                                           const std::string& outputFolder) {
  const std::string output = config.outputFolder.empty() ? outputFolder : config.outputFolder;
  return {methodLine(config), objectiveLine(config), scheduleLine(config),
          "Output: " + (output.empty() ? std::string("(none)") : output)};
}

}  // namespace tunebench

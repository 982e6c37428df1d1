#include "train/TrainingConfig.h"

#include <filesystem>
#include <set>
#include <sstream>

#include "common/Error.h"
#include "common/JsonFile.h"

namespace tunebench {

namespace {

// Reads fields of one JSON object, refusing unknown ones so that typos do not pass silently.
class Fields {
 public:
  Fields(const nlohmann::json& json, std::string where, const std::string& source)
      : json_(json), where_(std::move(where)), source_(source) {
    if (!json_.is_object()) fail("", "must be an object");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    const std::string name = where_.empty() ? key : (key.empty() ? where_ : where_ + "." + key);
    throw Error(source_ + ": " + name + " " + problem);
  }

  bool has(const std::string& key) {
    seen_.insert(key);
    return json_.contains(key) && !json_[key].is_null();
  }
  const nlohmann::json& at(const std::string& key) { return json_[key]; }

  std::string text(const std::string& key, const std::string& fallback) {
    if (!has(key)) return fallback;
    if (!json_[key].is_string()) fail(key, "must be a string");
    return json_[key].get<std::string>();
  }
  double number(const std::string& key, double fallback, double low, double high) {
    if (!has(key)) return fallback;
    if (!json_[key].is_number()) fail(key, "must be a number");
    const double value = json_[key].get<double>();
    if (!(value >= low && value <= high))
      fail(key,
           "must be between " + show(low) + " and " + show(high) + " (got " + show(value) + ")");
    return value;
  }
  int64_t integer(const std::string& key, int64_t fallback, int64_t low, int64_t high) {
    if (!has(key)) return fallback;
    if (!json_[key].is_number_integer()) fail(key, "must be a whole number");
    const int64_t value = json_[key].get<int64_t>();
    if (value < low || value > high)
      fail(key, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                    " (got " + std::to_string(value) + ")");
    return value;
  }
  bool flag(const std::string& key, bool fallback) {
    if (!has(key)) return fallback;
    if (!json_[key].is_boolean()) fail(key, "must be true or false");
    return json_[key].get<bool>();
  }
  template <typename Enum>
  Enum named(const std::string& key, Enum fallback, const EnumNames<Enum>& names) {
    if (!has(key)) return fallback;
    const auto value = text(key, "");
    if (const auto found = enumFromFileName(names, value)) return *found;
    fail(key, "must be one of " + fileNamesListed(names) + " (got \"" + value + "\")");
  }
  void rejectUnknown() const {
    for (const auto& [key, value] : json_.items()) {
      (void)value;
      if (!seen_.count(key)) fail(key, "is not a known setting");
    }
  }

 private:
  static std::string show(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
  }
  const nlohmann::json& json_;
  std::string where_;
  const std::string& source_;
  std::set<std::string> seen_;
};

const EnumNames<LossBalancing::Loss>& lossNames() {
  static const EnumNames<LossBalancing::Loss> names = {
      {LossBalancing::Loss::CrossEntropy, "cross_entropy", "Cross-entropy"},
      {LossBalancing::Loss::Focal, "focal", "Focal"}};
  return names;
}

const EnumNames<PromptTuningInit>& promptInitNames() {
  static const EnumNames<PromptTuningInit> names = {{PromptTuningInit::Random, "random", "Random"},
                                                    {PromptTuningInit::Text, "text", "From text"}};
  return names;
}

const EnumNames<BottleneckActivation>& activationNames() {
  static const EnumNames<BottleneckActivation> names = {
      {BottleneckActivation::Gelu, "gelu", "GELU"}, {BottleneckActivation::Relu, "relu", "ReLU"}};
  return names;
}

std::string resolvePath(const std::string& path, const std::string& base) {
  if (path.empty() || base.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base) / path).lexically_normal().string();
}

void parseClassification(const nlohmann::json& json, const std::string& source,
                         ClassificationConfig& out) {
  Fields fields(json, "classification", source);
  if (fields.has("labels")) {
    const auto& labels = fields.at("labels");
    std::set<std::string> seen;
    if (!labels.is_array() || labels.size() < 2)
      fields.fail("labels", "must list at least two class names");
    for (const auto& label : labels) {
      if (!label.is_string() || label.get<std::string>().empty())
        fields.fail("labels", "must hold class names (non-empty strings)");
      if (!seen.insert(label.get<std::string>()).second)
        fields.fail("labels", "names \"" + label.get<std::string>() + "\" twice");
      out.labels.push_back(label.get<std::string>());
    }
  }
  out.loss.loss = fields.named("loss", LossBalancing::Loss::CrossEntropy, lossNames());
  out.loss.focalGamma = fields.number("focal_gamma", 2.0, 0.0, 20.0);
  if (fields.has("focal_gamma") && out.loss.loss != LossBalancing::Loss::Focal)
    fields.fail("focal_gamma", "applies to loss \"focal\" only");
  if (fields.has("class_weights")) {
    const auto& weights = fields.at("class_weights");
    if (weights.is_string() && weights.get<std::string>() == "balanced") {
      out.balancedWeights = true;
    } else if (weights.is_object() && !weights.empty()) {
      for (const auto& [label, weight] : weights.items()) {
        if (!weight.is_number() || !(weight.get<double>() > 0) || weight.get<double>() > 1e6)
          fields.fail("class_weights", "must give each class a weight above 0 (\"" + label +
                                           "\" has " + weight.dump() + ")");
        out.loss.classWeights[label] = weight.get<double>();
      }
    } else {
      fields.fail("class_weights",
                  "must be \"balanced\" or an object of class weights such as {\"pos\": 2.0}");
    }
  }
  fields.rejectUnknown();
}

// The settings block of prompt tuning or bottleneck adapters (method.prompt_tuning,
// method.bottleneck); a block of the other method is refused.
void parseUnmergeableMethod(Fields& method, MethodConfig& m, const std::string& source) {
  const bool prompt = m.kind == MethodKind::PromptTuning;
  const char* own = prompt ? "prompt_tuning" : "bottleneck";
  const char* other = prompt ? "bottleneck" : "prompt_tuning";
  if (method.has(other))
    method.fail(other, std::string("belongs to method ") + other + ", not " + own);
  if (!method.has(own)) return;
  Fields block(method.at(own), std::string("method.") + own, source);
  if (prompt) {
    auto& p = m.promptTuning;
    p.virtualTokens = block.integer("num_virtual_tokens", 20, 1, 4096);
    p.init = block.named("init", PromptTuningInit::Random, promptInitNames());
    p.initText = block.text("init_text", "");
    if (p.init == PromptTuningInit::Text && p.initText.empty())
      block.fail("init_text",
                 "is required with init \"text\" (the words whose embeddings start the virtual "
                 "tokens)");
    if (p.init == PromptTuningInit::Random && !p.initText.empty())
      block.fail("init_text", "is only used with init \"text\"");
  } else {
    auto& b = m.bottleneck;
    b.size = block.integer("size", 64, 1, 1 << 16);
    b.activation = block.named("activation", BottleneckActivation::Gelu, activationNames());
  }
  block.rejectUnknown();
}

}  // namespace

const EnumNames<Objective>& objectiveNames() {
  static const EnumNames<Objective> names = {
      {Objective::CausalLm, "causal_lm", "Causal LM (raw text)"},
      {Objective::Sft, "sft", "Supervised fine-tuning (prompt → response)"},
      {Objective::Classification, "classification", "Sequence classification (text → label)"}};
  return names;
}

const EnumNames<OptimizerKind>& optimizerNames() {
  static const EnumNames<OptimizerKind> names = {{OptimizerKind::Sgd, "sgd", "SGD"},
                                                 {OptimizerKind::Adagrad, "adagrad", "Adagrad"},
                                                 {OptimizerKind::RmsProp, "rmsprop", "RMSprop"},
                                                 {OptimizerKind::AdaDelta, "adadelta", "AdaDelta"},
                                                 {OptimizerKind::Adam, "adam", "Adam"},
                                                 {OptimizerKind::AdamW, "adamw", "AdamW"}};
  return names;
}

const EnumNames<ScheduleKind>& scheduleNames() {
  static const EnumNames<ScheduleKind> names = {
      {ScheduleKind::Linear, "linear", "Warm-up, then linear decay"},
      {ScheduleKind::Cosine, "cosine", "Warm-up, then cosine decay"},
      {ScheduleKind::Constant, "constant", "Warm-up, then constant"},
      {ScheduleKind::Step, "step", "Warm-up, then step decay"}};
  return names;
}

const EnumNames<MethodKind>& methodNames() {
  static const EnumNames<MethodKind> names = {
      {MethodKind::Full, "full", "Full fine-tuning"},
      {MethodKind::Freeze, "freeze", "Freeze lower layers"},
      {MethodKind::Lora, "lora", "LoRA"},
      {MethodKind::Dora, "dora", "DoRA"},
      {MethodKind::Qlora, "qlora", "QLoRA (NF4 base)"},
      {MethodKind::Half, "half", "Half fine-tuning"},
      {MethodKind::Bottleneck, "bottleneck", "Bottleneck adapters"},
      {MethodKind::PromptTuning, "prompt_tuning", "Prompt tuning"}};
  return names;
}

const char* optimizerName(OptimizerKind kind) {
  return fileNameOf(optimizerNames(), kind);
}

TrainingConfig parseTrainingConfig(const nlohmann::json& json, const std::string& source,
                                   const std::string& baseFolder) {
  TrainingConfig config;
  Fields top(json, "", source);
  constexpr int64_t kMany = int64_t(1) << 40;

  if (!top.has("model")) top.fail("model", "is required (a Hugging Face model folder)");
  config.modelFolder = resolvePath(top.text("model", ""), baseFolder);
  if (!top.has("output")) top.fail("output", "is required (the folder for checkpoints)");
  config.outputFolder = resolvePath(top.text("output", ""), baseFolder);
  config.objective = top.named("objective", Objective::CausalLm, objectiveNames());

  if (!top.has("data")) top.fail("data", "is required");
  {
    Fields data(top.at("data"), "data", source);
    if (!data.has("train")) data.fail("train", "is required (a JSON Lines file)");
    config.data.trainPath = resolvePath(data.text("train", ""), baseFolder);
    config.data.validationPath = resolvePath(data.text("validation", ""), baseFolder);
    config.data.textField = data.text("text_field", "text");
    config.data.promptField = data.text("prompt_field", "prompt");
    config.data.responseField = data.text("response_field", "response");
    config.data.labelField = data.text("label_field", "label");
    config.data.maxLength = data.integer("max_length", 256, 2, 1 << 20);
    config.data.packing = data.flag("packing", false);
    config.data.tokenCache = data.flag("token_cache", true);
    data.rejectUnknown();
  }

  if (top.has("optimizer")) {
    Fields optimizer(top.at("optimizer"), "optimizer", source);
    auto& o = config.optimizer;
    o.kind = optimizer.named("name", OptimizerKind::AdamW, optimizerNames());
    o.learningRate =
        optimizer.number("lr", o.kind == OptimizerKind::AdaDelta ? 1.0 : 1e-4, 1e-12, 100);
    o.weightDecay = optimizer.number("weight_decay", 0.0, 0.0, 10.0);
    o.decayNormsAndBiases = optimizer.flag("decay_norms_and_biases", false);
    if (optimizer.has("betas")) {
      const auto& betas = optimizer.at("betas");
      if (!betas.is_array() || betas.size() != 2 || !betas[0].is_number() ||
          !betas[1].is_number() || betas[0].get<double>() < 0 || betas[0].get<double>() >= 1 ||
          betas[1].get<double>() < 0 || betas[1].get<double>() >= 1)
        optimizer.fail("betas", "must be two numbers in [0, 1)");
      o.beta1 = betas[0].get<double>();
      o.beta2 = betas[1].get<double>();
    }
    o.eps = optimizer.number("eps", o.kind == OptimizerKind::AdaDelta ? 1e-6 : 1e-8, 1e-20, 1.0);
    o.momentum = optimizer.number("momentum", 0.0, 0.0, 0.9999);
    o.nesterov = optimizer.flag("nesterov", false);
    if (o.nesterov && o.momentum == 0.0) optimizer.fail("nesterov", "needs momentum > 0");
    o.alpha = optimizer.number("alpha", 0.99, 0.0, 0.9999);
    o.rho = optimizer.number("rho", 0.9, 0.0, 0.9999);
    optimizer.rejectUnknown();
  }

  if (top.has("schedule")) {
    Fields schedule(top.at("schedule"), "schedule", source);
    auto& s = config.schedule;
    s.kind = schedule.named("name", ScheduleKind::Linear, scheduleNames());
    s.warmupSteps = schedule.integer("warmup_steps", 0, 0, kMany);
    s.minLearningRateRatio = schedule.number("min_lr_ratio", 0.0, 0.0, 1.0);
    s.stepSize = schedule.integer("step_size", 100, 1, kMany);
    s.gamma = schedule.number("gamma", 0.5, 0.0, 1.0);
    schedule.rejectUnknown();
  }

  config.batchSize = top.integer("batch_size", 4, 1, 1 << 20);
  config.fullBatch = top.flag("full_batch", false);
  config.gradientAccumulation = top.integer("gradient_accumulation", 1, 1, 1 << 20);
  config.epochs = top.integer("epochs", 1, 1, 1 << 20);
  config.maxSteps = top.integer("max_steps", 0, 0, kMany);
  config.maxGradNorm = top.number("max_grad_norm", 1.0, 0.0, 1e6);
  config.seed = static_cast<uint64_t>(top.integer("seed", 0, 0, kMany));
  config.threads = static_cast<int>(top.integer("threads", 0, 0, 1024));
  config.evalEvery = top.integer("eval_every", 0, 0, kMany);
  config.checkpointEvery = top.integer("checkpoint_every", 0, 0, kMany);
  config.keepCheckpoints = top.integer("keep_checkpoints", 2, 1, 1000);
  if (top.has("early_stopping")) {
    Fields early(top.at("early_stopping"), "early_stopping", source);
    config.earlyStoppingPatience = early.integer("patience", 3, 1, 1 << 20);
    config.earlyStoppingMinDelta = early.number("min_delta", 0.0, 0.0, 1e6);
    early.rejectUnknown();
    if (config.data.validationPath.empty()) top.fail("early_stopping", "needs data.validation");
  }
  const bool hasFreeze = top.has("freeze");
  if (hasFreeze) {
    Fields freeze(top.at("freeze"), "freeze", source);
    config.freezeLayers = freeze.integer("layers", 0, 0, 1 << 20);
    config.freezeEmbeddings = freeze.flag("embeddings", false);
    freeze.rejectUnknown();
  }
  if (top.has("method")) {
    Fields method(top.at("method"), "method", source);
    auto& m = config.method;
    m.kind = method.named("name", MethodKind::Full, methodNames());
    if (m.addsUnmergeableModules()) {
      parseUnmergeableMethod(method, m, source);
      if (hasFreeze)
        top.fail("freeze", "cannot be combined with method " + method.text("name", "") +
                               " (the whole base model is frozen)");
    }
    if (m.kind == MethodKind::Half) {
      m.halfRounds = method.integer("rounds", 0, 0, 1 << 20);
      if (hasFreeze)
        top.fail("freeze",
                 "cannot be combined with method half (half fine-tuning chooses what "
                 "trains in each round)");
    }
    if (m.usesAdapters()) {
      m.lora.r = method.integer("r", 8, 1, 4096);
      m.lora.alpha = method.number("alpha", 16.0, 1e-6, 1e6);
      m.lora.dropout = method.number("dropout", 0.05, 0.0, 0.99);
      m.lora.rslora = method.flag("rslora", false);
      m.lora.dora = m.kind == MethodKind::Dora;
      if (method.has("targets")) {
        const auto& targets = method.at("targets");
        if (!targets.is_array() || targets.empty())
          method.fail("targets", "must be a non-empty list of module names such as \"q_proj\"");
        m.lora.targets.clear();
        for (const auto& target : targets) {
          if (!target.is_string() || target.get<std::string>().empty())
            method.fail("targets", "must hold module names (non-empty strings)");
          m.lora.targets.push_back(target.get<std::string>());
        }
      }
      if (hasFreeze)
        top.fail("freeze", "cannot be combined with method " + method.text("name", "") +
                               " (the whole base model is frozen)");
    }
    method.rejectUnknown();
    if (m.kind == MethodKind::Freeze && !hasFreeze)
      top.fail("method", "freeze needs a freeze block (layers and/or embeddings)");
  }
  config.activationCheckpointing = top.flag("activation_checkpointing", false);
  if (top.has("classification")) {
    if (config.objective != Objective::Classification)
      top.fail("classification", "applies to objective \"classification\" only");
    parseClassification(top.at("classification"), source, config.classification);
  }
  if (config.objective == Objective::Classification && config.data.packing)
    top.fail("data.packing", "cannot be used with objective classification (one label per row)");
  top.rejectUnknown();
  return config;
}

TrainingConfig loadTrainingConfig(const std::string& path) {
  return parseTrainingConfig(readJsonFile(path), path,
                             std::filesystem::path(path).parent_path().string());
}

namespace {

nlohmann::json methodToJson(const MethodConfig& m) {
  nlohmann::json method{{"name", fileNameOf(methodNames(), m.kind)}};
  if (m.usesAdapters()) {
    method["r"] = m.lora.r;
    method["alpha"] = m.lora.alpha;
    method["dropout"] = m.lora.dropout;
    method["rslora"] = m.lora.rslora;
    method["targets"] = m.lora.targets;
  }
  if (m.kind == MethodKind::Half) method["rounds"] = m.halfRounds;
  if (m.kind == MethodKind::PromptTuning) {
    nlohmann::json block{{"num_virtual_tokens", m.promptTuning.virtualTokens},
                         {"init", fileNameOf(promptInitNames(), m.promptTuning.init)}};
    if (m.promptTuning.init == PromptTuningInit::Text) block["init_text"] = m.promptTuning.initText;
    method["prompt_tuning"] = block;
  }
  if (m.kind == MethodKind::Bottleneck)
    method["bottleneck"] = {{"size", m.bottleneck.size},
                            {"activation", fileNameOf(activationNames(), m.bottleneck.activation)}};
  return method;
}

nlohmann::json classificationToJson(const ClassificationConfig& c) {
  nlohmann::json block{{"loss", fileNameOf(lossNames(), c.loss.loss)}};
  if (!c.labels.empty()) block["labels"] = c.labels;
  if (c.loss.loss == LossBalancing::Loss::Focal) block["focal_gamma"] = c.loss.focalGamma;
  if (c.balancedWeights)
    block["class_weights"] = "balanced";
  else if (!c.loss.classWeights.empty())
    block["class_weights"] = c.loss.classWeights;
  return block;
}

}  // namespace

nlohmann::json trainingConfigToJson(const TrainingConfig& c) {
  const auto& d = c.data;
  const auto& o = c.optimizer;
  const auto& s = c.schedule;
  nlohmann::json json{{"model", c.modelFolder},
                      {"output", c.outputFolder},
                      {"objective", fileNameOf(objectiveNames(), c.objective)},
                      {"data",
                       {{"train", d.trainPath},
                        {"validation", d.validationPath},
                        {"text_field", d.textField},
                        {"prompt_field", d.promptField},
                        {"response_field", d.responseField},
                        {"label_field", d.labelField},
                        {"max_length", d.maxLength},
                        {"packing", d.packing},
                        {"token_cache", d.tokenCache}}},
                      {"optimizer",
                       {{"name", optimizerName(o.kind)},
                        {"lr", o.learningRate},
                        {"weight_decay", o.weightDecay},
                        {"decay_norms_and_biases", o.decayNormsAndBiases},
                        {"betas", {o.beta1, o.beta2}},
                        {"eps", o.eps},
                        {"momentum", o.momentum},
                        {"nesterov", o.nesterov},
                        {"alpha", o.alpha},
                        {"rho", o.rho}}},
                      {"schedule",
                       {{"name", fileNameOf(scheduleNames(), s.kind)},
                        {"warmup_steps", s.warmupSteps},
                        {"min_lr_ratio", s.minLearningRateRatio},
                        {"step_size", s.stepSize},
                        {"gamma", s.gamma}}},
                      {"batch_size", c.batchSize},
                      {"full_batch", c.fullBatch},
                      {"gradient_accumulation", c.gradientAccumulation},
                      {"epochs", c.epochs},
                      {"max_steps", c.maxSteps},
                      {"max_grad_norm", c.maxGradNorm},
                      {"seed", c.seed},
                      {"threads", c.threads},
                      {"eval_every", c.evalEvery},
                      {"checkpoint_every", c.checkpointEvery},
                      {"keep_checkpoints", c.keepCheckpoints},
                      {"method", methodToJson(c.method)},
                      {"activation_checkpointing", c.activationCheckpointing}};
  if (c.earlyStoppingPatience > 0)
    json["early_stopping"] = {{"patience", c.earlyStoppingPatience},
                              {"min_delta", c.earlyStoppingMinDelta}};
  // A freeze block is what makes method "freeze" (and "full" with frozen parts) freeze.
  if (c.freezeLayers > 0 || c.freezeEmbeddings || c.method.kind == MethodKind::Freeze)
    json["freeze"] = {{"layers", c.freezeLayers}, {"embeddings", c.freezeEmbeddings}};
  if (c.objective == Objective::Classification)
    json["classification"] = classificationToJson(c.classification);
  return json;
}

}  // namespace tunebench

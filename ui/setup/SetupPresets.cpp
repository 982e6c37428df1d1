#include "setup/SetupPresets.h"

#include <QObject>

namespace tunebench::ui {

const std::vector<SetupPreset>& setupPresets() {
  static const std::vector<SetupPreset> presets = {
      {QObject::tr("LoRA SFT (guide §5.6)"),
       QObject::tr("Supervised fine-tuning with LoRA r 16, alpha 32 on the attention and MLP "
                   "projections; AdamW at 2e-4 with 10 warm-up steps, then linear decay; batch 4 "
                   "× accumulation 4; 3 epochs; clipping at 1.0."),
       [](TrainingConfig& c) {
         c.objective = Objective::Sft;
         c.method.kind = MethodKind::Lora;
         c.method.lora.r = 16;
         c.method.lora.alpha = 32;
         c.method.lora.dropout = 0.05;
         c.method.lora.rslora = false;
         c.method.lora.targets = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                  "gate_proj", "up_proj", "down_proj"};
         c.optimizer = OptimizerConfig{};
         c.optimizer.learningRate = 2e-4;
         c.optimizer.weightDecay = 0.0;
         c.schedule = ScheduleConfig{};
         c.schedule.kind = ScheduleKind::Linear;
         c.schedule.warmupSteps = 10;
         c.batchSize = 4;
         c.gradientAccumulation = 4;
         c.epochs = 3;
         c.maxSteps = 0;
         c.maxGradNorm = 1.0;
       }},
      {QObject::tr("Full fine-tuning, small model"),
       QObject::tr("Every weight trains: AdamW at 5e-5 (lower than LoRA, since every weight "
                   "moves) with weight decay 0.01, cosine decay after 20 warm-up steps; batch 8; "
                   "3 epochs. Needs gradients and two AdamW moments for every weight: use the "
                   "estimate before starting."),
       [](TrainingConfig& c) {
         c.objective = Objective::Sft;
         c.method = MethodConfig{};
         c.method.kind = MethodKind::Full;
         c.optimizer = OptimizerConfig{};
         c.optimizer.learningRate = 5e-5;
         c.optimizer.weightDecay = 0.01;
         c.schedule = ScheduleConfig{};
         c.schedule.kind = ScheduleKind::Cosine;
         c.schedule.warmupSteps = 20;
         c.batchSize = 8;
         c.gradientAccumulation = 1;
         c.epochs = 3;
         c.maxSteps = 0;
         c.maxGradNorm = 1.0;
       }},
      {QObject::tr("Continued pretraining"),
       QObject::tr("Causal language modelling on raw text, packed into full rows of 512 tokens; "
                   "full fine-tuning with AdamW at 1e-4, weight decay 0.01, cosine decay after "
                   "50 warm-up steps; one epoch."),
       [](TrainingConfig& c) {
         c.objective = Objective::CausalLm;
         c.data.maxLength = 512;
         c.data.packing = true;
         c.method = MethodConfig{};
         c.method.kind = MethodKind::Full;
         c.optimizer = OptimizerConfig{};
         c.optimizer.learningRate = 1e-4;
         c.optimizer.weightDecay = 0.01;
         c.schedule = ScheduleConfig{};
         c.schedule.kind = ScheduleKind::Cosine;
         c.schedule.warmupSteps = 50;
         c.schedule.minLearningRateRatio = 0.1;
         c.batchSize = 4;
         c.gradientAccumulation = 1;
         c.epochs = 1;
         c.maxSteps = 0;
         c.maxGradNorm = 1.0;
       }},
      {QObject::tr("DoRA SFT"),
       QObject::tr("Weight-decomposed LoRA (guide §6.3.4): closer to full fine-tuning than LoRA "
                   "at a similar cost. r 8, alpha 16 on the attention projections; AdamW at "
                   "1e-4 with warm-up and linear decay."),
       [](TrainingConfig& c) {
         c.objective = Objective::Sft;
         c.method.kind = MethodKind::Dora;
         c.method.lora = LoraConfig{};
         c.method.lora.r = 8;
         c.method.lora.alpha = 16;
         c.method.lora.dropout = 0.05;
         c.method.lora.targets = {"q_proj", "k_proj", "v_proj", "o_proj"};
         c.optimizer = OptimizerConfig{};
         c.optimizer.learningRate = 1e-4;
         c.schedule = ScheduleConfig{};
         c.schedule.kind = ScheduleKind::Linear;
         c.schedule.warmupSteps = 10;
         c.batchSize = 4;
         c.gradientAccumulation = 2;
         c.epochs = 3;
         c.maxSteps = 0;
         c.maxGradNorm = 1.0;
       }},
  };
  return presets;
}

}  // namespace tunebench::ui

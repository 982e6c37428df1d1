#include "setup/SetupTips.h"

#include <QHash>
#include <QObject>

namespace tunebench::ui {

QString setupTip(const QString& key) {
  static const QHash<QString, QString> tips = {
      {QStringLiteral("model"),
       QObject::tr("The Hugging Face model folder to fine-tune (config.json, safetensors, "
                   "tokenizer). Defaults to the project's current model.")},
      {QStringLiteral("output"),
       QObject::tr("Where checkpoints and the trained model go. The Train panel picks a fresh "
                   "folder under the project for each run it starts.")},
      {QStringLiteral("objective"),
       QObject::tr("Causal LM: loss on every token of the text (continued pretraining on domain "
                   "text). Supervised fine-tuning: loss on the response only, so the model learns "
                   "to answer rather than to repeat prompts. Sequence classification: a head "
                   "reads the last token and predicts the text's label (sentiment, topic, "
                   "intent); the result is a classifier, not a text generator.")},
      {QStringLiteral("data.train"),
       QObject::tr("JSON Lines file, one example per line: {\"text\": …} for causal LM, "
                   "{\"prompt\": …, \"response\": …} for supervised fine-tuning.")},
      {QStringLiteral("data.validation"),
       QObject::tr("Optional held-out examples of the same shape. The guide (§5.6) advises "
                   "evaluating on a separate validation set regularly; early stopping needs one.")},
      {QStringLiteral("data.text_field"), QObject::tr("The field holding the text (causal LM).")},
      {QStringLiteral("data.prompt_field"), QObject::tr("The field holding the prompt (SFT).")},
      {QStringLiteral("data.label_field"),
       QObject::tr("The field holding each text's class (classification): a name or a whole "
                   "number.")},
      {QStringLiteral("classification.labels"),
       QObject::tr("The classes in the order of the classifier's outputs, separated by commas. "
                   "Empty: the labels found in the training file, sorted.")},
      {QStringLiteral("classification.loss"),
       QObject::tr("Cross-entropy, or focal loss, which scales each example's loss by "
                   "(1 − p)^gamma so that examples the model already gets right count less: a "
                   "remedy for imbalanced classes besides resampling (§3.1.3).")},
      {QStringLiteral("classification.focal_gamma"),
       QObject::tr("How strongly focal loss discounts easy examples; 2 is the usual value, 0 is "
                   "plain cross-entropy.")},
      {QStringLiteral("classification.class_weights"),
       QObject::tr("Weight of each class in the loss: \"balanced\" (inverse class frequency, "
                   "n / (classes × count)) or a JSON object such as {\"storm\": 3}; the Data "
                   "panel's Split & Balance tab copies balanced weights for you. Empty: all 1.")},
      {QStringLiteral("activation_checkpointing"),
       QObject::tr("Keep only each decoder layer's input during the forward pass and run the "
                   "layer again in backward: much less activation memory for long sequences or "
                   "large batches, at about one more forward pass per step. Losses are those of a "
                   "plain run.")},
      {QStringLiteral("data.response_field"),
       QObject::tr("The field holding the response (SFT); only its tokens carry loss.")},
      {QStringLiteral("data.max_length"),
       QObject::tr("Tokens per example, BOS and EOS included; longer examples are cut (the run "
                   "warns how many). Memory and step time grow with it: check with Estimate.")},
      {QStringLiteral("data.packing"),
       QObject::tr("Concatenate examples into full rows of max length: no padding, fewer steps "
                   "for short examples. Attention and positions stay within each example.")},
      {QStringLiteral("method"),
       QObject::tr("Full: every weight trains (most memory). Freeze: full fine-tuning of the "
                   "upper layers only. LoRA (§6.3.2): small low-rank adapters on a frozen base, "
                   "a fraction of the memory, usually close to full fine-tuning. DoRA (§6.3.4): "
                   "LoRA with a trainable magnitude per output, closer to full fine-tuning at a "
                   "similar cost. Half fine-tuning (§6.4): in each round half of every layer block "
                   "trains and the rest keeps its pretrained values, which limits forgetting. "
                   "QLoRA (§6.3.3): LoRA on a base held in 4-bit NF4, about a seventh of the "
                   "base's weight memory, a little slower per step. Bottleneck adapters "
                   "(§6.3.1): small trainable layers after the attention and fully connected "
                   "blocks of a frozen base. Prompt tuning (soft prompts): trainable virtual "
                   "tokens in front of every input, the model itself untouched. Neither of these "
                   "two can be merged into the base: the run leaves an adapter folder.")},
      {QStringLiteral("method.prompt_tuning.num_virtual_tokens"),
       QObject::tr("Prompt tuning: how many trainable prompt tokens are added to the input "
                   "sequence (§6.3, soft prompt tuning). Each is one embedding of the model's "
                   "hidden size; 8–32 is common. They count towards the model's context.")},
      {QStringLiteral("method.prompt_tuning.init"),
       QObject::tr("Where the virtual tokens start: random values with the spread of the "
                   "model's token embeddings (seeded), or the embeddings of a text describing "
                   "the task, repeated or cut to the number of virtual tokens (often learns "
                   "faster).")},
      {QStringLiteral("method.prompt_tuning.init_text"),
       QObject::tr("Prompt tuning from a text: words that describe the task, e.g. \"Classify "
                   "the sentiment of the review\". Their token embeddings are the starting "
                   "virtual tokens.")},
      {QStringLiteral("method.bottleneck.size"),
       QObject::tr("Bottleneck adapters (§6.3.1): the width of each adapter's down projection "
                   "(hidden → size → hidden). Larger adapters learn more and cost more; 64 is a "
                   "common default. The up projection starts at zero, so training starts from "
                   "the base model exactly.")},
      {QStringLiteral("method.bottleneck.activation"),
       QObject::tr("The non-linearity between the adapter's down and up projections.")},
      {QStringLiteral("method.rounds"),
       QObject::tr("Half fine-tuning: how many rounds the run's steps are split into; each round "
                   "picks another half of every block (seeded). 0 = one round per epoch, at "
                   "least two.")},
      {QStringLiteral("method.r"),
       QObject::tr("Rank of the adapter matrices. 8–16 suits most tasks; the guide notes that r "
                   "needs tuning (§6.3.2): higher ranks learn more and cost more.")},
      {QStringLiteral("method.alpha"),
       QObject::tr("Scale of the adapter update (alpha / r, or alpha / √r with rsLoRA). A common "
                   "choice is twice the rank.")},
      {QStringLiteral("method.dropout"),
       QObject::tr("Dropout on the adapter input; 0.05–0.1 regularises small datasets (§5.6: "
                   "dropout against overfitting).")},
      {QStringLiteral("method.rslora"),
       QObject::tr("Rank-stabilised LoRA: scale by alpha / √r, which keeps higher ranks "
                   "learning at the same learning rate.")},
      {QStringLiteral("method.targets"),
       QObject::tr("Linear layers that receive adapters, comma-separated (q_proj, k_proj, v_proj, "
                   "o_proj, gate_proj, up_proj, down_proj for Llama-style models; lm_head too when "
                   "the model's head is not tied to its embeddings). More targets learn more and "
                   "cost more.")},
      {QStringLiteral("freeze.layers"),
       QObject::tr("Freeze the first N decoder layers: the lower layers hold general knowledge, "
                   "the upper ones adapt (less memory, less forgetting).")},
      {QStringLiteral("freeze.embeddings"), QObject::tr("Also freeze the token embeddings.")},
      {QStringLiteral("optimizer.name"),
       QObject::tr("AdamW (§5.4.8) is the guide's choice for fine-tuning pre-trained models: "
                   "adaptive rates with decoupled weight decay. Adam without the decoupled decay; "
                   "SGD is simple but sensitive to the learning rate; AdaGrad suits sparse data "
                   "but its rate shrinks; RMSprop and AdaDelta fix that shrinking.")},
      {QStringLiteral("optimizer.lr"),
       QObject::tr("Peak learning rate. The guide (§5.6) advises 1e-4 to 2e-4 for stable "
                   "convergence, with warm-up then linear decay; full fine-tuning usually wants "
                   "lower (1e-5 to 5e-5). Too high diverges, too low learns slowly.")},
      {QStringLiteral("optimizer.weight_decay"),
       QObject::tr("Regularisation against overfitting (§5.6); 0.01–0.1 with AdamW. Decoupled for "
                   "AdamW, L2 for the others.")},
      {QStringLiteral("optimizer.decay_norms_and_biases"),
       QObject::tr("By default norms and biases get no weight decay, as usual for transformers.")},
      {QStringLiteral("optimizer.betas"),
       QObject::tr("Adam's moment decay rates; 0.9 and 0.999 work for almost every run.")},
      {QStringLiteral("optimizer.eps"),
       QObject::tr("Added to the denominator for numerical stability.")},
      {QStringLiteral("optimizer.momentum"),
       QObject::tr("SGD (and RMSprop) momentum; 0.9 stabilises SGD's noisy updates (§5.4.2).")},
      {QStringLiteral("optimizer.nesterov"), QObject::tr("Nesterov momentum; needs momentum > 0.")},
      {QStringLiteral("optimizer.alpha"), QObject::tr("RMSprop's smoothing of squared gradients.")},
      {QStringLiteral("optimizer.rho"),
       QObject::tr("AdaDelta's decay; AdaDelta needs no tuned learning rate (1.0 is usual).")},
      {QStringLiteral("schedule.name"),
       QObject::tr("How the learning rate changes over the run. The guide (§5.6) advises warm-up "
                   "followed by linear decay; cosine decay is a smooth alternative.")},
      {QStringLiteral("schedule.warmup_steps"),
       QObject::tr("Steps of linear warm-up from 0 to the peak rate; stabilises the first "
                   "updates (a few percent of the run).")},
      {QStringLiteral("schedule.min_lr_ratio"),
       QObject::tr("Floor of linear and cosine decay, as a share of the peak rate.")},
      {QStringLiteral("schedule.step_size"),
       QObject::tr("Step decay: multiply by gamma every this many steps.")},
      {QStringLiteral("schedule.gamma"), QObject::tr("Step decay factor.")},
      {QStringLiteral("batch_size"),
       QObject::tr("Examples per micro-batch. Balance memory and stability (§5.6): larger "
                   "batches are steadier but need more memory; Estimate shows how much.")},
      {QStringLiteral("full_batch"),
       QObject::tr("Gradient descent on the whole training set: one step per epoch (§5.4.1; for "
                   "small datasets only).")},
      {QStringLiteral("gradient_accumulation"),
       QObject::tr("Micro-batches per optimiser step: a larger effective batch without the "
                   "memory of one.")},
      {QStringLiteral("epochs"),
       QObject::tr("Passes over the training data. Too few underfit, too many overfit (§5.5); "
                   "watch the validation loss.")},
      {QStringLiteral("max_steps"),
       QObject::tr("When set, the run takes exactly this many optimiser steps (overrides "
                   "epochs).")},
      {QStringLiteral("max_grad_norm"),
       QObject::tr("Global gradient-norm clipping; 1.0 guards against loss spikes. 0 turns it "
                   "off (the norm is still reported).")},
      {QStringLiteral("seed"),
       QObject::tr("Data order and initialisation. The guide (§5.6) advises fixed seeds for "
                   "reproducibility: the same seed and config give the same losses on the CPU.")},
      {QStringLiteral("threads"),
       QObject::tr("CPU threads for the tensor maths (0: all hardware threads).")},
      {QStringLiteral("precision"),
       QObject::tr("Training runs in fp32 in this version. Mixed precision (bf16/fp16, §5.6) "
                   "is not available yet.")},
      {QStringLiteral("eval_every"),
       QObject::tr("Validation interval in steps (0: at epoch ends only). Regular validation "
                   "shows overfitting early (§5.6).")},
      {QStringLiteral("checkpoint_every"),
       QObject::tr("Checkpoint interval in steps (0: at the end only). The guide (§5.6) advises "
                   "saving regularly; the best checkpoint is always kept.")},
      {QStringLiteral("keep_checkpoints"),
       QObject::tr("How many of the newest checkpoints are kept on disk.")},
      {QStringLiteral("early_stopping"),
       QObject::tr("Stop when the validation loss stops improving (§5.6: halt once validation "
                   "performance degrades). Needs validation data.")},
      {QStringLiteral("early_stopping.patience"),
       QObject::tr("Validations without improvement before the run stops.")},
      {QStringLiteral("early_stopping.min_delta"),
       QObject::tr("The smallest drop in validation loss that counts as an improvement.")},
  };
  return tips.value(key);
}

}  // namespace tunebench::ui

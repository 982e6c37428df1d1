#include "peft/QloraModel.h"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "common/Error.h"
#include "common/TorchPch.h"
#include "peft/LinearSlots.h"
#include "peft/LoraModel.h"
#include "peft/QloraLinear.h"

namespace tunebench {

namespace {

// Hands freed heap memory back to the system. Without it glibc keeps the quantisation's
// temporaries and the released fp32 weights mapped, and the resident set grows instead of
// shrinking.
void releaseFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace

QuantizedBase quantizeLinearLayers(CausalLMImpl& model) {
  auto slots = linearSlots(model);
  // The output head stays in full precision, as in QLoRA: it is not a decoder projection.
  slots.erase(std::remove_if(slots.begin(), slots.end(),
                             [](const LinearSlot& slot) { return slot.path == "lm_head"; }),
              slots.end());
  for (const auto& slot : slots)
    if (isReplaceable(slot) && !std::dynamic_pointer_cast<QloraLinearImpl>(slot.layer) &&
        std::dynamic_pointer_cast<LoraLinearImpl>(slot.layer))
      throw Error("cannot quantise " + slot.path +
                  " to NF4: it already carries a LoRA adapter (quantise the base first)");
  for (auto& slot : slots) {
    if (!isReplaceable(slot) || std::dynamic_pointer_cast<QloraLinearImpl>(slot.layer)) continue;
    swapLayer(slot, std::make_shared<QloraLinearImpl>(*slot.layer));
    slot.layer.reset();  // the last reference to the full-precision weight
    releaseFreedMemory();
  }
  return quantizedBaseOf(model);
}

QuantizedBase quantizedBaseOf(const CausalLMImpl& model) {
  QuantizedBase base;
  for (const auto& item : model.named_modules("", false)) {
    const auto layer = std::dynamic_pointer_cast<QloraLinearImpl>(item.value());
    if (!layer) continue;
    const auto& quantized = layer->quantizedWeight();
    ++base.layers;
    base.parameters += quantized.count;
    base.nf4Bytes += quantized.bytes();
    base.fp32Bytes += quantized.count * static_cast<int64_t>(sizeof(float));
  }
  return base;
}

std::vector<std::string> applyQlora(CausalLMImpl& model, const LoraConfig& config) {
  if (config.dora)
    throw Error("QLoRA adapters are plain LoRA adapters; DoRA on an NF4 base is not supported");
  quantizeLinearLayers(model);
  return applyLora(model, config);
}

}  // namespace tunebench

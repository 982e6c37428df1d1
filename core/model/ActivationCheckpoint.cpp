#include "model/ActivationCheckpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include "common/TorchPch.h"

namespace tunebench {

namespace {

// What the backward pass needs to run the block again; kept alive by the autograd node.
struct BlockCall : torch::CustomClassHolder {
  CheckpointedBlock block;
  torch::Tensor randomState;  // the CPU generator's state when the block first ran
};

// Sets the CPU generator to a saved state for the replay and puts the current one back after.
class ReplayedRandomState {
 public:
  explicit ReplayedRandomState(const torch::Tensor& state)
      : generator_(at::detail::getDefaultCPUGenerator()) {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    current_ = generator_.get_state();
    generator_.set_state(state);
  }
  ~ReplayedRandomState() {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    generator_.set_state(current_);
  }

 private:
  at::Generator generator_;
  torch::Tensor current_;
};

class CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context, torch::Tensor input,
                               c10::intrusive_ptr<BlockCall> call) {
    context->save_for_backward({input});
    torch::Tensor output;
    {
      torch::NoGradGuard noGrad;
      output = call->block(input);
    }
    context->saved_data["call"] = c10::IValue::make_capsule(std::move(call));
    return output;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const auto saved = context->get_saved_variables();
    const auto capsule = context->saved_data["call"].toCapsule();
    const auto* call = static_cast<const BlockCall*>(capsule.get());
    auto input = saved[0].detach().requires_grad_(true);
    torch::Tensor output;
    {
      ReplayedRandomState replay(call->randomState);
      torch::AutoGradMode enable(true);
      output = call->block(input);
    }
    // Re-entrant backward: accumulates into the block's parameters and into `input`.
    torch::autograd::backward({output}, {gradients[0]});
    return {input.grad(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor runCheckpointed(CheckpointedBlock block, const torch::Tensor& input) {
  auto call = c10::make_intrusive<BlockCall>();
  call->block = std::move(block);
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    call->randomState = generator.get_state();
  }
  // The output must be part of the graph even when the input is not (frozen embeddings under
  // an adapter method), or the block's own trainable parameters would get no gradient.
  const auto tracked = input.requires_grad() ? input : input.detach().requires_grad_(true);
  return CheckpointFunction::apply(tracked, std::move(call));
}

}  // namespace tunebench

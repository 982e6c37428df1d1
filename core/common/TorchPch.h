#pragma once
// The precompiled header of the core library: LibTorch's umbrella header is by far the most
// expensive include of the project, so it is parsed once per target.
#include <torch/torch.h>

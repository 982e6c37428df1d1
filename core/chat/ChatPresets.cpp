#include "chat/ChatPresets.h"

#include <map>

#include "common/Error.h"

namespace tunebench {

namespace {

// Newlines in these sources only follow block tags: trim_blocks removes them, so the output
// contains exactly the newlines written as '\n' in the expressions.
const std::map<std::string, std::string>& presets() {
  static const std::map<std::string, std::string> table = {
      {"chatml",
       R"({% for message in messages %}
{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}
{%- endfor %}
{% if add_generation_prompt %}
{{ '<|im_start|>assistant\n' }}
{%- endif %})"},
      {"llama-2",
       R"({% if messages and messages[0]['role'] == 'system' %}
{% set system_message = messages[0]['content'] %}
{% set turns = messages[1:] %}
{% else %}
{% set system_message = none %}
{% set turns = messages %}
{% endif %}
{% for message in turns %}
{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
{%- endif %}
{% if message['role'] == 'user' %}
{% if loop.first and system_message is not none %}
{% set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}
{% else %}
{% set content = message['content'] %}
{% endif %}
{{ bos_token + '[INST] ' + content | trim + ' [/INST]' }}
{%- else %}
{{ ' ' + message['content'] | trim + ' ' + eos_token }}
{%- endif %}
{% endfor %})"},
      {"llama-3",
       R"({{ bos_token }}
{%- for message in messages %}
{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{% if add_generation_prompt %}
{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %})"},
      {"alpaca",
       R"({% if messages and messages[0]['role'] == 'system' %}
{{ messages[0]['content'] + '\n\n' }}
{%- set turns = messages[1:] %}
{% else %}
{{ 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n' }}
{%- set turns = messages %}
{% endif %}
{% for message in turns %}
{% if message['role'] == 'user' %}
{{ '### Instruction:\n' + message['content'] + '\n\n' }}
{%- elif message['role'] == 'assistant' %}
{{ '### Response:\n' + message['content'] + eos_token + '\n\n' }}
{%- endif %}
{% endfor %}
{% if add_generation_prompt %}
{{ '### Response:\n' }}
{%- endif %})"},
      {"human-assistant",
       R"({% for message in messages %}
{% if message['role'] == 'system' %}
{{ message['content'] + '\n' }}
{%- elif message['role'] == 'user' %}
{{ '### Human: ' + message['content'] + '\n' }}
{%- elif message['role'] == 'assistant' %}
{{ '### Assistant: ' + message['content'] + eos_token + '\n' }}
{%- endif %}
{% endfor %}
{% if add_generation_prompt %}
{{ '### Assistant: ' }}
{%- endif %})"},
  };
  return table;
}

}  // namespace

std::vector<std::string> chatPresetNames() {
  return {"chatml", "llama-2", "llama-3", "alpaca", "human-assistant"};
}

std::string chatPresetSource(const std::string& name) {
  const auto it = presets().find(name);
  if (it == presets().end()) {
    std::string known;
    for (const auto& n : chatPresetNames()) known += (known.empty() ? "" : ", ") + n;
    throw Error("no chat template preset named \"" + name + "\" (known: " + known + ")");
  }
  return it->second;
}

}  // namespace tunebench

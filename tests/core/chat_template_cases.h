#pragma once
// Templates and contexts for tst_chat_template, rendered by both the project's renderer and
// Jinja2 (tests/tools/render_chat_template.py). Each template exercises a group of constructs.
#include <utility>
#include <vector>

namespace chat_cases {

inline const std::vector<std::pair<const char*, const char*>>& templates() {
  static const std::vector<std::pair<const char*, const char*>> list = {
      {"qwen2_style_tools", R"({%- set ns = namespace(system='You are a careful assistant.') %}
{%- if messages and messages[0].role == 'system' %}
    {%- set ns.system = messages[0].content %}
{%- endif %}
{{- '<|im_start|>system\n' + ns.system }}
{%- if tools %}
    {{- '\n\n## Functions\n<functions>' }}
    {%- for tool in tools %}
        {{- '\n' + tool | tojson }}
    {%- endfor %}
    {{- '\n</functions>' }}
{%- endif %}
{{- '<|im_end|>\n' }}
{%- for message in messages %}
    {%- if message.role == 'system' and loop.first %}
        {%- continue %}
    {%- elif message.role == 'assistant' and message.tool_calls %}
        {{- '<|im_start|>assistant' }}
        {%- if message.content %}{{- '\n' + message.content | trim }}{%- endif %}
        {%- for call in message.tool_calls %}
            {%- set fn = call.function if call.function is defined else call %}
            {{- '\n<call>{"name": "' + fn.name + '", "arguments": ' + fn.arguments | tojson + '}</call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == 'tool' %}
        {%- if loop.previtem is not defined or loop.previtem.role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}
        {{- '\n<result>' + message.content + '</result>' }}
        {%- if loop.last or loop.nextitem.role != 'tool' %}{{- '<|im_end|>\n' }}{%- endif %}
    {%- else %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
)"},
      {"loops", R"({% for m in messages %}
{{ loop.index }}/{{ loop.length }} {{ loop.index0 }} {{ loop.revindex }} {{ loop.revindex0 }} first={{ loop.first }} last={{ loop.last }} {{ loop.cycle('odd', 'even') }}
{% if loop.previtem is defined %}prev={{ loop.previtem.role }}{% endif %}
{% if loop.nextitem is defined %} next={{ loop.nextitem.role }}{% endif %}

{% else %}
no messages
{% endfor %}
{% for m in messages if m.role != 'system' %}[{{ loop.index }}:{{ m.role }}]{% endfor %}

{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i > 5 %}{% break %}{% endif %}{{ i }},{% endfor %}

{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }};{% endfor %} {% for i in range(3, 0, -1) %}{{ i }}{% endfor %}
{% for c in 'héllo' %}{{ c }}.{% endfor %}
)"},
      {"expressions", R"({{ 7 + 3 }} {{ 7 - 10 }} {{ 7 * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }}
{{ 1.5 + 2 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 3.0 }} {{ 1 / 3 }} {{ 10 / 5 }} {{ 1e-7 }} {{ 123456789.125 }} {{ 7.0 // 2 }} {{ 7.5 % 2 }}
{{ 'a' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ [1, 2] + [3] }} {{ 'x' + 'y' }} {{ true + 1 }}
{{ 1 < 2 < 3 }} {{ 3 > 2 > 5 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 2 >= 2 }} {{ 1 <= 0 }}
{{ 'ell' in 'hello' }} {{ 3 not in [1, 2] }} {{ 'k' in {'k': 1} }} {{ not 'x' in 'abc' }}
{{ 'yes' if messages else 'no' }} {{ 'x' if false }}| {{ not messages }} {{ messages and 'a' or 'b' }} {{ none or 0 or '' or 'last' }} {{ 0 and 1 }}
{{ [1, 'two', none, true, 2.5, [3], {'k': 'v'}] }} {{ {'a': 1, 'b': [1, 2]} }} {{ (1, 2) }} {{ (1,) }} {{ () }} {{ "it's" }} {{ ["it's", 'say "hi"', 'back\\slash', 'new\nline', 'tab\there'] }}
{{ 'hello'[1] }} {{ 'hello'[-1] }} {{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ 'hello'[:-2] }} {{ [1, 2, 3, 4, 5][1::2] }} {{ [1, 2, 3][5:] }} {{ [1, 2, 3, 4][-3:-1] }} {{ 'héllo wörld'[1:7] }}
{{ messages[0].role if messages }} {{ messages[-1]['content'] if messages }} {{ messages[99] is defined }}
{{ -(3) }} {{ +4 }} {{ -2 ** 2 }} {{ (1 + 2) * 3 }} {{ 2 * 3 + 4 }} {{ 'a' ~ (2 + 3) }} {{ "con" "cat" }}
)"},
      {"filters", R"({{ '  padded  ' | trim }}|{{ 'xxhixx' | trim('x') }}|{{ messages | length }}|{{ 'héllo' | length }}|{{ 'MiXeD' | upper }} {{ 'MiXeD' | lower }}
{{ undefined_thing | default('fallback') }} {{ '' | default('empty', true) }} {{ '' | default('kept') }}| {{ none | default('not for none') }}
{{ [3, 1, 2] | first }} {{ [3, 1, 2] | last }} {{ 'abc' | first }} {{ [1, 2, 3] | join(', ') }} {{ messages | map(attribute='role') | join('/') }} {{ [1, 2] | join }}
{{ 'a-b-c' | replace('-', '+') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ 'hello World' | capitalize }} {{ 'hello big-world (x) it\'s' | title }}
{% for k, v in {'x': 1, 'y': [2]} | items %}{{ k }}={{ v }};{% endfor %}
{{ 42 | string ~ '!' }} {{ '17' | int + 1 }} {{ '3.9' | int }} {{ 'abc' | int }} {{ 'abc' | int(5) }} {{ 3.7 | int }} {{ '2.5' | float }} {{ 4 | float }}
{{ 'abc' | list }} {{ [1, 2, 3] | reverse | list }} {{ 'abc' | reverse }} {{ -5 | abs }} {{ [1, 2, 2, 3, 1] | unique | list }}
{{ messages | selectattr('role', 'equalto', 'user') | list | length }} {{ messages | rejectattr('role', 'equalto', 'user') | map(attribute='role') | list }}
{{ {'b': 1, 'a': [1, 2, {'c': none}], 'u': 'ünï "q"\n\ttab'} | tojson }}
{{ {'b': 1, 'a': [true, false, 1.5]} | tojson(indent=2) }}
{{ [] | tojson }} {{ {} | tojson }} {{ 1.0 | tojson }} {{ 'x' | tojson }} {{ messages | tojson }}
{{ [1, 2, 3] | sum }} {{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ [3, 1, 2] | sort | list }} {{ ['b', 'a'] | sort(reverse=true) | list }}
)"},
      // Command-R's tool template indents with the indent filter.
      {"indent_filter", R"({%- for m in messages %}[{{ m.content | indent }}]
[{{ m.content | indent(2, true) }}]
[{{ m.content | indent('> ', first=true, blank=true) }}]
{% endfor %}{{ "a\n\nb\n" | indent(3) }}|{{ "a\n\nb\n" | indent(3, blank=true) }}|{{ "x\r\ny\rz" | indent(1) }}|{{ "" | indent }}
)"},
      // Jinja2's less common filters and the case-insensitive default of its sorting filters.
      {"more_filters", R"({{ {'b': 2, 'A': 1, 'a': 3} | dictsort }}|{{ {'b': 2, 'a': 1} | dictsort(by='value', reverse=true) }}
{{ ['b', 'A', 'a', 'B'] | sort }}|{{ ['b', 'A', 'a', 'B'] | sort(case_sensitive=true) }}|{{ ['b', 'A', 'a', 'B'] | unique | list }}|{{ ['b', 'A', 'C'] | min }}|{{ ['b', 'A', 'C'] | max }}|{{ messages | map(attribute='role') | unique | list }}
{{ '%s has %d items (%.2f%%) %r|%5s|%-5s|%05d' | format('list', 3.9, 12.345, 'x', 'ab', 'cd', 42) }}|{{ '%(a)s-%(b)s' | format(a=1, b='two') }}
[{{ 'mid' | center(9) }}][{{ 'mid' | center(10) }}][{{ 'héllo' | center(8) }}]
{{ 'one two_three 4 héllo, wörld!' | wordcount }}|{{ messages | length | string | wordcount }}
{{ 'The quick brown fox jumps over the lazy dog' | truncate(20) }}|{{ 'The quick brown fox jumps over the lazy dog' | truncate(20, true) }}|{{ 'short text' | truncate(8) }}|{{ 'short text here' | truncate(8, end='>') }}
{{ '<p>Hello <b>World</b>&amp; <!-- x --> friends &lt;3 &#65;</p>' | striptags }}
{{ [1, 2, 3, 4, 5] | batch(2) | list }}|{{ [1, 2, 3, 4, 5] | batch(2, 0) | list }}|{{ [1, 2, 3, 4, 5, 6, 7] | slice(3) | list }}|{{ [1, 2, 3, 4] | slice(3, 'x') | list }}
{{ 1 | filesizeformat }} {{ 300 | filesizeformat }} {{ 1500 | filesizeformat }} {{ 1048576 | filesizeformat(true) }} {{ 3000000000 | filesizeformat }}
{{ 'a b/c?d=é' | urlencode }}|{{ {'q': 'a b', 'n': 1} | urlencode }}|{{ messages[0] | attr('role') }}|{{ 'x' is escaped }}
{% for m in messages %}{{ m.content | truncate(12) }};{% endfor %})"},
      {"string_methods", R"({% for m in messages %}
{{ m.content.strip() }}|{{ m.content.lstrip() }}|{{ m.content.rstrip() }}|{{ m.content.startswith('Hel') }}|{{ m.content.endswith(('!', '?')) }}|{{ m.content.upper() }}|{{ m.content.lower() }}|{{ m.content.title() }}|{{ m.content.split() }}|{{ m.content.replace(' ', '_') }}
{% endfor %}
{{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} {{ '  x  y  '.split() }} {{ 'a b c'.split(none, 1) }} {{ 'xxhixx'.strip('x') }} {{ 'xxhi'.lstrip('x') }} {{ 'hixx'.rstrip('x') }}
{{ 'hello world'.find('o') }} {{ 'hello'.find('z') }} {{ 'hello'.count('l') }} {{ '-'.join(['a', 'b']) }} {{ "it's o'clock".title() }} {{ 'one\ntwo'.splitlines() }} {{ 'Hello'.capitalize() }}
{{ 'a-b-c'.rsplit('-', 1) }} {{ 'abc'.upper().lower() }} {{ 'x'.startswith('') }}
)"},
      {"whitespace_control", R"(Start
    {% if true %}
    indented line
    {% endif %}
  {# a comment #}
{%- if true -%}
   stripped
{%- endif %}
{{- ' joined ' -}}
    after
{% for x in [1, 2] +%}
item {{ x }}
{% endfor %}
    {%+ if true %}kept indent{% endif %}

  {%- set y = 1 %}
text {{ y }}   {# trailing comment -#}
   next
{{ 'last' }}
)"},
      {"namespace_and_scope", R"({% set ns = namespace(count=0, last_user='', found=false) %}
{% set outer = 'outer' %}
{% for m in messages %}
{% set outer = 'inner' %}
{% set ns.count = ns.count + 1 %}
{% if m.role == 'user' %}{% set ns.last_user = m.content %}{% set ns.found = true %}{% endif %}
{% endfor %}
count={{ ns.count }} last_user={{ ns.last_user }} found={{ ns.found }} outer={{ outer }}
{% set a, b = 1, 2 %}{{ a }}{{ b }}
{% set block %}captured {{ ns.count * 2 }}{% endset %}[{{ block }}]
{% macro turn(role, text='(empty)') %}<{{ role }}>{{ text }}</{{ role }}>{% endmacro %}
{{ turn('user', 'hi') }}{{ turn('assistant') }}{{ turn(role='x', text='y') }}
{% set d = dict(a=1, b='two') %}{{ d }} {{ d.a }} {{ d['b'] }} {{ d.missing is defined }}
{% for i in range(2) %}{% set inner = i %}{% endfor %}{{ inner is defined }}
)"},
      {"tests", R"({% for v in [none, 1, 2.5, 'x', [1], {'a': 1}, true] %}
{{ v is none }},{{ v is number }},{{ v is integer }},{{ v is float }},{{ v is string }},{{ v is mapping }},{{ v is iterable }},{{ v is sequence }},{{ v is boolean }},{{ v is defined }}
{% endfor %}
{{ nothing is defined }} {{ nothing is undefined }} {{ 4 is even }} {{ 4 is odd }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ none is sameas none }} {{ 1 is eq 1 }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ messages is not none }} {{ 3 is gt 2 }} {{ 'a' is in 'abc' }}
{% if messages[0] is defined and messages[0].content is string %}first is a string{% endif %}
{{ nothing is not defined and 1 is not string }}
)"},
      {"validation", R"({% for message in messages %}
{% if message.role not in ['system', 'user', 'assistant'] %}
{{ raise_exception('Unknown role: ' + message.role) }}
{% endif %}
{% if loop.first and message.role == 'assistant' %}{{ raise_exception('Conversation must not start with the assistant') }}{% endif %}
{{ message.role | upper }}: {{ message.content }}
{% endfor %}
{% if add_generation_prompt %}ASSISTANT:{% endif %}
)"},
      {"dict_iteration", R"({% for tool in tools %}
{% for key, value in tool.items() %}{{ key }} -> {{ value | tojson }}
{% endfor %}
{{ tool.keys() | list }} {{ tool.values() | list | length }} {{ tool.get('missing', 'dflt') }} {{ tool.get('type') }}
{% for k in tool %}{{ k }} {% endfor %}

{% else %}
no tools
{% endfor %}
{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}
)"},
  };
  return list;
}

// Contexts: every template is rendered with each of them.
inline const char* contextsJson() {
  return R"([
  {"messages": [{"role": "user", "content": "Hello!"}],
   "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>"},
  {"messages": [{"role": "system", "content": "Be brief.  "},
                {"role": "user", "content": "  Grüße 😀 中文 'quotes' \"double\"\nsecond line?"},
                {"role": "assistant", "content": "Hello there!  "},
                {"role": "user", "content": "What is 2+2?"}],
   "add_generation_prompt": false, "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
  {"messages": [{"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}}]},
                {"role": "tool", "content": "{\"temp\": 21}"},
                {"role": "tool", "content": "{\"rain\": false}"},
                {"role": "assistant", "content": "It is 21 °C and dry."}],
   "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather by city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}}],
   "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>"},
  {"messages": [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}],
   "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>"},
  {"messages": [], "add_generation_prompt": true, "bos_token": "", "eos_token": ""}
])";
}

}  // namespace chat_cases

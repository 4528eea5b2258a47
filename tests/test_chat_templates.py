"""Every request mlcoach sends renders under the chat templates local servers apply (vLLM, llama.cpp, TGI render
these Jinja templates from the model's tokenizer config). Mistral-, Gemma- and Llama-2-style templates raise on two
messages of one role in a row, or a history that does not start with the user."""

from __future__ import annotations

import pytest
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from mlcoach import prompts
from tests.fake_chat import FakeChat
from tests.test_llm import factory, run

RAISE = "Conversation roles must alternate user/assistant/user/assistant/..."

# The templates as published with the models (whitespace trimmed), the way servers render them.
TEMPLATES = {
    "llama-2": (
        "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = "
        "messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}"
        "{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('" + RAISE + "') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}"
        "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}"
        "{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' "
        "+ content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + "
        "eos_token }}{% endif %}{% endfor %}"
    ),
    "llama-3": (
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' "
        "+ message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 "
        "== 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt "
        "%}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
    ),
    "mistral": (
        "{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content'] %}{%- set "
        "loop_messages = messages[1:] %}{%- else %}{%- set loop_messages = messages %}{%- endif %}{{- bos_token }}"
        "{%- for message in loop_messages %}{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{- "
        "raise_exception('After the optional system message, conversation roles must alternate "
        "user/assistant/user/assistant/...') }}{%- endif %}{%- if message['role'] == 'user' %}{%- if loop.last and "
        "system_message is defined %}{{- '[INST] ' + system_message + '\\n\\n' + message['content'] + '[/INST]' }}"
        "{%- else %}{{- '[INST] ' + message['content'] + '[/INST]' }}{%- endif %}{%- elif message['role'] == "
        "'assistant' %}{{- ' ' + message['content'] + eos_token}}{%- else %}{{- raise_exception('Only user and "
        "assistant roles are supported, with the exception of an initial optional system message!') }}{%- endif %}"
        "{%- endfor %}"
    ),
    "gemma": (
        "{{ bos_token }}{%- if messages[0]['role'] == 'system' -%}{%- set first_user_prefix = messages[0]['content'] "
        "+ '\\n\\n' -%}{%- set loop_messages = messages[1:] -%}{%- else -%}{%- set first_user_prefix = '' -%}{%- set "
        "loop_messages = messages -%}{%- endif -%}{%- for message in loop_messages -%}{%- if (message['role'] == "
        "'user') != (loop.index0 % 2 == 0) -%}{{ raise_exception('" + RAISE + "') }}{%- endif -%}{%- if "
        "(message['role'] == 'assistant') -%}{%- set role = 'model' -%}{%- else -%}{%- set role = message['role'] -%}"
        "{%- endif -%}{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') }}"
        "{{ message['content'] | trim }}{{ '<end_of_turn>\\n' }}{%- endfor -%}{%- if add_generation_prompt -%}"
        "{{'<start_of_turn>model\\n'}}{%- endif -%}"
    ),
    "chatml": (
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' "
        "+ '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    ),
}


def _raise(message: str):
    raise TemplateError(message)


def render(template: str, messages: list[dict]) -> str:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    return env.from_string(template).render(messages=messages, bos_token="<s>", eos_token="</s>",
                                            add_generation_prompt=True)


def test_the_templates_do_reject_what_they_should():
    """The fixtures are the strict ones: two user messages in a row fail under Llama-2, Mistral and Gemma."""
    bad = [{"role": "system", "content": "s"}, {"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    for name in ("llama-2", "mistral", "gemma"):
        with pytest.raises(TemplateError):
            render(TEMPLATES[name], bad)


@pytest.fixture(scope="module")
def requests(tmp_path_factory):
    """Every request of whole interviews worded by a model and judged by one, the guardrail's rewrite included."""
    verdict = ('{"criteria": {"data_quality": {"score": 2, "evidence": []}}, "red_flags": {}, '
               '"summary": "Two sentences."}')
    chat = FakeChat("How would you check the labels are reliable?")
    chat.enqueue(["Welcome! Can you derive the gradient of the loss for logistic regression?",
                  "Welcome! Tell me about an ML project you worked on?"])
    for cid in ("average-spam", "strong-house", "weak-dismissive-house"):
        run(tmp_path_factory.mktemp(cid), cid=cid, factory=factory(chat, judge="llm"))
        chat.enqueue([verdict])
    return [r.messages for r in chat.requests]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_request_renders_under_the_template(requests, name):
    assert len(requests) > 30
    for messages in requests:
        render(TEMPLATES[name], messages)


def test_every_request_alternates_after_one_system_message(requests):
    for messages in requests:
        roles = [m["role"] for m in messages]
        assert roles[0] == "system" and roles.count("system") == 1
        assert roles[1] == "user" and roles[-1] == "user", roles
        assert all(a != b for a, b in zip(roles[1:], roles[2:], strict=False)), roles


def test_the_prefix_of_a_session_stays_put_between_history_cuts(requests):
    """From one turn to the next, the earlier messages are kept as they were: a provider's prompt cache (or
    llama.cpp's slot reuse) can serve them. Only a cut of the history, every few turns, starts a new prefix."""
    interviewer = [m for m in requests if "interview plan" in m[-1]["content"]]
    pairs = [(a, b) for a, b in zip(interviewer, interviewer[1:], strict=False) if a[0] == b[0]]
    kept = sum(1 for a, b in pairs if b[: len(a) - 1] == a[:-1])
    # cut six messages (three turns) at a time: about a third of the pairs start a new prefix
    assert len(pairs) > 20 and kept >= 0.5 * len(pairs), (kept, len(pairs))
    assert prompts.BLOCK > 1

"""API keys, one per provider, kept the way users of `llm` and `aider` keep them: the provider's own environment
variable first (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), then a key stored with `mlcoach keys set PROVIDER` (typed
at a hidden prompt, never on the command line; `keys.toml` beside the config, readable only by its owner).

A key goes only to its provider. A self-hosted server given with --api-base (llama.cpp, vLLM, a LiteLLM proxy)
gets a key only when one is stored under its address (`mlcoach keys set localhost:8080`); otherwise a placeholder,
never another provider's key."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlparse

from mlcoach import config
from mlcoach.errors import BadInput
from mlcoach.limits import toml_loads

FILE = "keys.toml"
FORMAT = 1
# Providers whose models run locally and need no key.
KEYLESS = frozenset({"ollama", "ollama_chat", "lm_studio", "llamafile", "hosted_vllm", "vllm"})
ENV = {  # LiteLLM provider -> the variable its own SDK reads
    "openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY",
    "groq": "GROQ_API_KEY", "mistral": "MISTRAL_API_KEY", "cohere": "COHERE_API_KEY", "cohere_chat": "COHERE_API_KEY",
    "openrouter": "OPENROUTER_API_KEY", "deepseek": "DEEPSEEK_API_KEY", "together_ai": "TOGETHERAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY", "xai": "XAI_API_KEY", "perplexity": "PERPLEXITYAI_API_KEY",
    "azure": "AZURE_API_KEY", "huggingface": "HF_TOKEN", "cerebras": "CEREBRAS_API_KEY",
}


def path() -> Path:
    return config.home() / FILE


def stored() -> dict[str, str]:
    """The stored keys by provider or server address; a damaged file is one line naming it."""
    p = path()
    try:
        data = toml_loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"{p}: cannot read the keys file ({exc})") from None
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise BadInput(f"{p}: keys: expected a table of names to key strings")
    return dict(keys)


def save(name: str, key: str | None) -> Path:
    """Store (or with None, remove) the key for a provider or server, atomically, readable only by its owner."""
    keys = stored()
    if key is None:
        keys.pop(name, None)
    else:
        keys[name] = key
    return config.write_toml(path(), {"format": FORMAT, "keys": keys})


# Providers read from the model string without importing LiteLLM (seconds): the common ones; others ask LiteLLM.
KNOWN = frozenset(ENV) | KEYLESS | {"bedrock", "vertex_ai", "azure_ai", "replicate", "sagemaker", "watsonx",
                                    "databricks", "nvidia_nim", "litellm_proxy", "text-completion-openai"}
_BARE = (("gpt-", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"), ("chatgpt", "openai"),
         ("claude", "anthropic"), ("gemini", "gemini"), ("command", "cohere_chat"), ("mistral-", "mistral"))


def provider(model: str) -> str:
    """The LiteLLM provider a model string goes to ("openai/gpt-4o-mini" -> openai, "gpt-4o" -> openai); a
    string LiteLLM cannot place is one line (exit 2). Common ones are read without importing LiteLLM."""
    head, _, rest = model.partition("/")
    if rest and head in KNOWN:
        return head
    if not rest:
        found = next((name for prefix, name in _BARE if model.lower().startswith(prefix)), "")
        if found:
            return found
    from mlcoach.llm import litellm, require

    require()  # without LiteLLM: its install line, not "no provider"
    try:
        return str(litellm().get_llm_provider(model=model)[1])
    except Exception:  # noqa: BLE001 - LiteLLM raises its own BadRequestError for an unknown provider
        raise BadInput(f"model: {model!r} names no provider LiteLLM knows (write it as provider/model, e.g. "
                       "openai/gpt-4o-mini or ollama_chat/llama3.1)") from None


def server(api_base: str) -> str:
    """The name a self-hosted server's key is stored under: its host and port ("localhost:8080")."""
    parsed = urlparse(api_base if "://" in api_base else f"http://{api_base}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    host = parsed.hostname or ""  # never the user and password an address may carry
    return (f"{host}:{port}" if port else host) or parsed.netloc.rpartition("@")[2] or api_base


def env_name(name: str) -> str:
    return ENV.get(name, f"{name.upper()}_API_KEY")


def key_for(model: str, api_base: str = "") -> tuple[str, str]:
    """(the key for this model's endpoint, where it came from) — ("", "") when there is none. With --api-base only
    a key stored for that server; otherwise the provider's variable, then its stored key."""
    if api_base:
        name = server(api_base)
        key = stored().get(name, "")
        return (key, f"keys: {name}") if key else ("", "")
    name = provider(model)
    if os.environ.get(env_name(name)):
        return os.environ[env_name(name)], env_name(name)
    key = stored().get(name, "")
    return (key, f"keys: {name}") if key else ("", "")

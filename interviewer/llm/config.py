"""Which model to talk to: command-line flags, environment, and named profiles in config.toml.

The API key is held as a SecretStr: it is never printed, logged or written to a transcript.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from interviewer import paths
from interviewer.content.problems import format_loc

CONFIG_NAME = "config.toml"
NO_KEY = "not-needed"  # what the client sends to servers that take no key; not a secret
LOCAL_PROFILE = "local"
StructuredMode = Literal["json_schema", "json_object", "plain"]


class Price(BaseModel):
    """US dollars per million tokens, for cost estimates."""

    model_config = ConfigDict(extra="forbid")
    prompt_per_million: float = Field(ge=0)
    completion_per_million: float = Field(ge=0)


class Profile(BaseModel):
    """One server and model. Missing fields fall back to OPENAI_BASE_URL / OPENAI_API_KEY."""

    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(default=None, description="Model name as the server knows it.")
    base_url: str | None = Field(default=None, description="Server URL ending in /v1.")
    api_key: SecretStr | None = Field(default=None, description="Prefer api_key_env; kept out of every output.")
    api_key_env: str | None = Field(default=None, description="Environment variable that holds the key.")
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    prompt_budget_tokens: int = Field(default=3000, ge=500, description="Most prompt tokens sent per call.")
    reply_max_tokens: int = Field(default=300, ge=16)
    reasoning: bool | None = Field(
        default=None,
        description=(
            "A reasoning model: send max_completion_tokens with a larger budget and no temperature. "
            "By default this is learned from the server's refusal and remembered."
        ),
    )
    structured_output: StructuredMode | None = Field(
        default=None, description="Force a structured-output mode; by default it is discovered and remembered."
    )
    local: bool = Field(default=False, description="Start the bundled llama.cpp server for this profile.")


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default_profile: str | None = None
    profiles: dict[str, Profile] = Field(default_factory=dict)
    prices: dict[str, Price] = Field(default_factory=dict)


class ConfigError(Exception):
    """A config problem, as one line naming the file and field."""


BUILTIN_PROFILES = {
    LOCAL_PROFILE: Profile(
        model="smollm2-135m-instruct",
        local=True,
        structured_output="json_object",
        timeout_seconds=120,
        prompt_budget_tokens=1500,
        reply_max_tokens=160,
    ),
}


def config_path() -> Path:
    return paths.config_dir() / CONFIG_NAME


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{path}: {format_loc(tuple(first['loc']))}: {first['msg']}{more}") from None


# Query parameters that carry credentials, as some servers accept them (`?api-key=...`, `?token=...`).
_SECRET_PARAM = re.compile(r"key|token|secret|passw|auth|sig|credential", re.IGNORECASE)
UNREADABLE_URL = "(unreadable URL)"


def split_url_secrets(url: str) -> tuple[str, list[str]]:
    """The URL without user-info or credential-like query parameters, and the secrets taken out of it.

    The clean URL is the only one saved in a transcript or printed; a secret never is.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return UNREADABLE_URL, [url]  # all of it may be secret
    secrets = [s for s in (parts.username, parts.password) if s]
    kept: list[tuple[str, str]] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if _SECRET_PARAM.search(name):
            secrets.append(value)
        else:
            kept.append((name, value))
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), parts.fragment)), secrets


class ModelTarget(BaseModel):
    """A resolved backend: everything needed to make calls, with the key kept secret."""

    name: str
    model: str
    base_url: str | None
    api_key: SecretStr
    profile: Profile
    price: Price | None = None


def resolve_backend(
    *,
    profile_name: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    offline: bool = False,
    config: Config | None = None,
) -> ModelTarget | None:
    """Flags win over the profile, the profile over the environment. None means offline."""
    if offline:
        return None
    config = config if config is not None else load_config()
    name = profile_name or (None if model else config.default_profile)
    profile = Profile()
    if name is not None:
        if name in config.profiles:
            profile = config.profiles[name]
        elif name in BUILTIN_PROFILES:
            profile = BUILTIN_PROFILES[name]
        else:
            known = sorted({*config.profiles, *BUILTIN_PROFILES})
            raise ConfigError(f"unknown profile '{name}'; known: {', '.join(known)} (see {config_path()})")
    chosen_model = model or profile.model
    if chosen_model is None:
        if name is not None:
            raise ConfigError(f"profile '{name}' names no model")
        return None
    key = api_key
    if key is None and profile.api_key is not None:
        key = profile.api_key.get_secret_value()
    if key is None and profile.api_key_env:
        key = os.environ.get(profile.api_key_env)
    url = base_url or profile.base_url or os.environ.get("OPENAI_BASE_URL")
    if url is not None:
        # A key written into the URL is sent as the API key instead, so the URL can be shown and saved.
        url, in_url = split_url_secrets(url)
        if key is None and in_url and url != UNREADABLE_URL:
            key = in_url[-1]
        if not url.lower().startswith(("http://", "https://")):
            # Caught here once, rather than as "cannot reach" on every turn of the interview.
            raise ConfigError(f"base URL {url!r} must start with http:// or https://, like http://127.0.0.1:8080/v1")
    if key is None:
        key = os.environ.get("OPENAI_API_KEY")
    # Local servers ignore the key, but the client insists on one.
    key = key or NO_KEY
    return ModelTarget(
        name=name or "custom",
        model=chosen_model,
        base_url=url,
        api_key=SecretStr(key),
        profile=profile,
        price=config.prices.get(chosen_model),
    )

"""Keys out of everything shown or kept: a key (or a password in a server address) blanked out of text a model
or a server sends back, as it is and as a model might echo it altered; server addresses shown with their
secrets masked."""

from __future__ import annotations

import functools
import os
import re

_SECRETISH = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]{6,}|\bsk-[A-Za-z0-9_\-]{6,}")


def scrub(text: str, *keys: str) -> str:
    """`text` with each key blanked out, as it is and as a model might echo it altered: reversed, in base64,
    with spaces or dashes between its characters, in another case."""
    secrets = [k for k in keys if k and len(k) >= 6]
    secrets += [v for name, v in os.environ.items() if v and len(v) >= 8 and
                (name.endswith(("_API_KEY", "_KEY", "_TOKEN", "_SECRET")) or "API_KEY" in name)]
    for secret in sorted(set(secrets), key=len, reverse=True):
        for pattern in _echoes(secret):
            text = pattern.sub("[key]", text)
    return _SECRETISH.sub(lambda m: "Bearer [key]" if m.group(1) else "[key]", text)


_SECRET_PARAM = re.compile(r"(?i)(key|token|secret|password|passwd|sig|signature|auth)")


def _userinfo(url: str) -> tuple[str, str]:
    """(the part before the host's last "@", the rest of the address), with or without a scheme."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    netloc, slash, tail = rest.partition("/")
    info, at, host = netloc.rpartition("@")
    return (info if at else ""), (f"{scheme}://" if sep else "") + host + slash + tail


def url_password(url: str) -> str:
    """The secret written into a server address ("http://user:pw@host", or a token alone as "tok@host"), "" when
    there is none."""
    info, _ = _userinfo(url or "")
    user, colon, password = info.partition(":")
    return password if colon else user


def mask_url(url: str) -> str:
    """A server address fit to show: what stands before its host's "@" and any key-like query or fragment value
    replaced by ***."""
    from urllib.parse import parse_qsl, urlencode

    info, rest = _userinfo(url)
    shown = rest
    if info:
        scheme, sep, after = rest.partition("://")
        shown = f"{scheme}://***@{after}" if sep else f"***@{rest}"
    before, hashmark, fragment = shown.partition("#")
    base, qmark, query = before.partition("?")
    masked = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v)
                        for k, v in parse_qsl(query, keep_blank_values=True)], safe="*") if query else ""
    fragment = "***" if "=" in fragment or _SECRET_PARAM.search(fragment) else fragment
    return base + (qmark + masked if qmark else "") + (hashmark + fragment if hashmark else "")


@functools.lru_cache(maxsize=64)
def _echoes(secret: str) -> tuple[re.Pattern, ...]:
    import base64

    raw = secret.encode()
    encoded = {base64.b64encode(raw).decode().rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("="),
               raw.hex()}
    literal = [re.compile(re.escape(v), re.IGNORECASE) for v in (secret, secret[::-1], *sorted(encoded))]
    if len(secret) < 8:
        return tuple(literal)
    gap = r"[\s\-_.,:;|/'\"`*]{0,3}"  # bounded: no backtracking beyond a few characters a position
    spaced = [re.compile(gap.join(re.escape(c) for c in v), re.IGNORECASE) for v in (secret, secret[::-1])]
    return tuple(literal + spaced)

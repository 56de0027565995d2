"""Rules: the model id (retired, deprecated, unknown) and its output ceiling.

An unknown id is a 404 error where Anthropic answers and the id cannot be a model it serves: outside the grammar
of its ids (``bad model``, ``Claude-Sonnet-4-6``, ``claude-3.5-sonnet``) or a misspelling of known ids
(``claude-sonet-4-5``, ``claude-haku-4-5``) or a number-first spelling of a generation >= 4 (``claude-4-sonnet``:
``model: claude-4-sonnet`` 404, continuedev/continue#11925; ``model: claude-3.5-sonnet``, continuedev/continue#10287;
``model: sonnet4``, anthropics/claude-code#5349).  An id that
fits the grammar with known words (``claude-opus-6``) may be newer than the table: a warning.  Elsewhere (a
gateway's host, Foundry deployment names, Bedrock, Vertex) an unknown id is a warning."""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from .._context import Context

_BEDROCK_ID = re.compile(r"^(?:[a-z]{2,6}\.)?anthropic\.(?P<id>.+?)(?:-v\d+(?::\d+)?)?$")


def normalize_model(name: str, platform: str) -> str:
    """Bedrock (``us.anthropic.claude-...-v1:0``) and Vertex (``claude-...@20250929``) ids to API ids."""
    if platform == "bedrock":
        m = _BEDROCK_ID.match(name)
        if m:
            return m.group("id")
    if platform == "vertex" and "@" in name:
        base, _, date = name.partition("@")
        return f"{base}-{date}" if date and date != "latest" else base
    return name


# The grammar of Anthropic model ids since Claude 4: ``claude-<family words>[-<major>[-<minor>]][-<YYYYMMDD>]``
# (claude-sonnet-4-6, claude-haiku-4-5-20251001, claude-mythos-preview).  Number-first ids (claude-3-5-sonnet-...)
# exist only for generations up to 3, all retired (the registry's retired ids and prefixes name them).
_FAMILY_FIRST = re.compile(r"^claude-(?P<words>[a-z]+(?:-[a-z]+)*)(?:-\d{1,2}){0,3}(?:-\d{8})?(?P<tail>(?:-[a-z]+)*)$")
_NUMBER_FIRST = re.compile(r"^claude-(?P<nums>\d+(?:-\d+)*)-(?P<words>[a-z]+(?:-[a-z]+)*)(?:-\d{8}|-latest)?$")
# Hosts where Anthropic itself answers an unknown id with 404 (api.anthropic.com).  A gateway or proxy on any other
# host (LiteLLM, corporate gateways) maps its own names (`anthropic/claude-...`, aliases) to models, and so does
# Microsoft Foundry (<resource>.services.ai.azure.com/anthropic): the `model` there is the deployment's name, which
# "defaults to the model ID but can be customised (e.g. my-claude-deployment)" (docs.claude.com, Claude in Microsoft
# Foundry).  On those hosts an id the table does not know is at most a warning.
_ANTHROPIC_HOSTS = ("anthropic.com",)
# Services serving Anthropic's Messages API on their own hosts with Anthropic's ids (AnthropicAWS, Google Cloud);
# Bedrock Mantle takes Bedrock-style ids and answers like Bedrock.
_ANTHROPIC_SERVICES = ("aws", "google-cloud")


def _impossible(name: str) -> bool:
    """No Anthropic model id looks like this (spaces, capitals, not ``claude-``, dots: ``claude-3.5-sonnet``)."""
    return (not name.strip()) or name != name.strip() or " " in name or not name.startswith("claude-") or \
        name != name.lower() or "." in name or "_" in name


def _distance(a: str, b: str) -> int:
    """Edit distance with transpositions (``opsu`` -> ``opus`` is 1); small words only."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _known_words(ctx: Context) -> FrozenSet[str]:
    """The family words of every id, snapshot and alias the registry knows (sonnet, opus, haiku, preview, ...)."""
    words = ctx.memo.get("model_words")
    if not isinstance(words, frozenset):
        names = list(ctx.registry.names())
        words = frozenset(w for n in names for w in n.split("-")[1:] if w.isalpha())
        ctx.memo["model_words"] = words
    return words


def _misspelled(ctx: Context, name: str) -> Optional[str]:
    """For an id within a small edit distance of known ids without being one, the id it likely meant ("" when
    only the registry's closest name can tell); None when the id is not a misspelling."""
    number_first = _NUMBER_FIRST.match(name)
    if number_first:  # claude-4-sonnet: the family-first spelling of a generation >= 4 (continuedev/continue#11925)
        return f"claude-{number_first.group('words')}-{number_first.group('nums')}"
    m = _FAMILY_FIRST.match(name)
    if not m:
        return None
    known = _known_words(ctx)
    if any(w not in known and _close(w, known) for w in m.group("tail").split("-") if w):
        return ""  # a misspelled suffix (claude-sonnet-4-5-latets): the registry's closest name is the guess
    fixed = []
    changed = False
    for word in m.group("words").split("-"):
        if word in known:
            fixed.append(word)
            continue
        close = _close(word, known)
        if not close:
            return None  # a word nobody spells like a known one: maybe a new family (claude-newt-6)
        fixed.append(min(close, key=lambda k: (_distance(word, k), k)))
        changed = True
    if not changed:
        return None
    return name.replace(m.group("words"), "-".join(fixed), 1)


def _close(word: str, known: FrozenSet[str]) -> List[str]:
    """Known words ``word`` misspells (within 1 edit, 2 for words of 6 letters or more)."""
    return [k for k in known if _distance(word, k) <= max(1, len(k) // 3)]


def _outside_grammar(name: str) -> bool:
    return _FAMILY_FIRST.match(name) is None and _NUMBER_FIRST.match(name) is None


def anthropic_answers(ctx: Context) -> bool:
    """Anthropic itself judges the id: its API (a bare path is the SDK's default host) or a service serving its
    Messages API with its ids (AWS, Google Cloud).  Bedrock (InvokeModel and Mantle) and Vertex answer unknown ids
    in their own way (Bedrock: 400 ``The provided model identifier is invalid.``); gateways and Foundry map names
    of their own.  The host is read from ``ctx.endpoint.host`` when the endpoint carries one."""
    ep = ctx.endpoint
    if ep.platform != "anthropic":
        return False
    if ep.service:
        return ep.service in _ANTHROPIC_SERVICES
    host = getattr(ep, "host", None)
    if not host:
        return True
    host = str(host).lower().split(":")[0]
    return any(host == h or host.endswith("." + h) for h in _ANTHROPIC_HOSTS)


def _days_note(days: int, served_on: Optional[str]) -> str:
    if days < 0:
        seen = f": a registry file saw it served on {served_on}" if served_on else ""
        return f"retirement overdue by {-days} day{'s' if days != -1 else ''}{seen}"
    if days == 0:
        return "today is the last day it is served"
    return f"{days} day{'s' if days != 1 else ''} left"


def model_id(ctx: Context) -> None:
    name = ctx.model_name
    if name is None or name == "":
        return  # missing / empty / wrong type: the shape rule reports it
    norm = normalize_model(name, ctx.endpoint.platform)
    found = ctx.registry.lookup(norm)
    ctx.lookup = found
    if found.status == "known" and found.lifecycle == "active":
        return  # served, not deprecated: the common case, nothing to say
    where = "model" if ctx.endpoint.url_model is None else ""
    suggestion = found.suggestion
    params: Dict[str, Any] = {
        "model": name,
        "suggestion_note": f" (did you mean {suggestion}?)" if suggestion else "",
        "suggestion_fix": f", e.g. {suggestion}" if suggestion else "",
    }
    if found.status == "retired":
        retired_on = found.info.retired_on if found.info else None
        params["retired_note"] = f" (end of life {retired_on})" if retired_on else ""
        ctx.report("model_retired", where, **params)
    elif found.lifecycle == "deprecated" and found.end_of_life is not None and found.days_left is not None:
        ctx.report("model_deprecated", where, severity="warning", end_of_life=found.end_of_life.isoformat(),
                   days_note=_days_note(found.days_left, found.info.served_on if found.info else None), **params)
    elif found.status == "unknown":
        severity = "warning"
        if anthropic_answers(ctx):
            meant = None if _impossible(name) else _misspelled(ctx, name)
            if _impossible(name) or _outside_grammar(name) or meant is not None:
                severity = "error"
            if meant:
                better = ctx.registry.lookup(meant)
                guess = meant if better.status == "known" else better.suggestion
                if guess:
                    params["suggestion_note"] = f" (did you mean {guess}?)"
                    params["suggestion_fix"] = f", e.g. {guess}"
        ctx.report("model_not_found", where, severity=severity, **params)


def max_tokens_limit(ctx: Context) -> None:
    """max_tokens above the model's output ceiling (``max_output``).

    A beta of the model's ``max_output_betas`` (``output-300k-2026-03-24``) raises the ceiling in Message Batches:
    with the beta present a batch item may go up to that ceiling; outside a batch the raise is unobserved (a
    warning up to it).  Headers unknown (the beta may be there): a warning between the plain and the beta ceiling.
    Above every ceiling, or the beta known absent: the API's answer, naming the ceiling in force."""
    model = ctx.model
    value = ctx.body.get("max_tokens")
    if model is None or model.max_output is None or ctx.endpoint.kind != "messages":
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= model.max_output:
        return
    plain = model.max_output
    raised = {beta: tokens for beta, tokens in model.max_output_betas.items()
              if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > plain}
    betas = ctx.betas
    present = [tokens for beta, tokens in raised.items() if betas is not None and beta in betas]
    limit, severity = plain, None
    if present and ctx.in_batch:
        limit = max(present)
    elif present:
        severity = "warning" if value <= max(present) else None  # the raise is documented for batches only
    elif raised and betas is None and value <= max(raised.values()):
        severity = "warning"  # headers unknown: the beta may be sent
    if value > limit:
        ctx.report("max_tokens_above_model_limit", "max_tokens", severity=severity, value=value, limit=limit,
                   model=model.display_id)


RULES: Tuple[Callable[[Context], None], ...] = (model_id, max_tokens_limit)

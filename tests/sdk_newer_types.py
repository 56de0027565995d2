"""A newer anthropic SDK, simulated through its request types: it adds a top-level parameter (``new_param``), a
text-block field (``new_field``), a block type (``new_block``) and an ``output_config`` field (``new_knob``) to the
installed SDK's types.  The annotations are strings, read by ``_sdk_fields`` in this module's namespace.

Imported by ``tests/test_sdk_fields.py`` inside its fixtures, never at collection: importing anthropic early in a
worker lets later imports push its ``Literal`` types out of typing's cache, after which ``scripts/gen_schemas.py``
(run in-process by ``tests/test_schemas.py``) emits some enums in another order.
"""
from __future__ import annotations

from typing import Iterable, Union

from anthropic.types import content_block_param as real_blocks
from anthropic.types import message_create_params as real_root
from anthropic.types import output_config_param as real_output
from anthropic.types import system_message_param as real_system
from anthropic.types.assistant_message_param import AssistantMessageParam
from typing_extensions import Literal, Required, TypedDict

__all__ = ["MessageCreateParamsBase", "real_root", "AssistantMessageParam", "Iterable", "Union", "real_blocks",
           "real_system"]


class TextBlockParam(TypedDict, total=False):
    type: Required[Literal["text"]]
    text: Required[str]
    new_field: str  # newer than the schemas


class NewBlockParam(TypedDict, total=False):
    type: Required[Literal["new_block"]]
    payload: str


class UserMessageParam(TypedDict, total=False):
    role: Required[Literal["user"]]
    content: Required[Union[str, Iterable[Union[real_blocks.ContentBlockParam, TextBlockParam, NewBlockParam]]]]


class OutputConfigParam(real_output.OutputConfigParam, total=False):
    new_knob: str


class MessageCreateParamsBase(real_root.MessageCreateParamsBase, total=False):
    new_param: int
    messages: Required[Iterable[Union[UserMessageParam, AssistantMessageParam, real_system.SystemMessageParam]]]
    output_config: OutputConfigParam

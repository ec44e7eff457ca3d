"""How a message and its conversation context become one token sequence. Mirrored by
shared/scoring/src/transformer-deep.ts (buildDeepInput); keep both in step.

  [CLS] message [SEP] ([SELF]|[OTHER] earlier line)... [SEP]
  token types: 0 for the message part, 1 for the context part.

All text goes through the model's text form first (deep_text: normalize_text unless the config
says light). The newest context lines are kept when the budget runs out; kept lines stay oldest
first.

A message longer than message_max tokens is read in windows when the config sets window_stride
(message_windows): each window is laid out as above with the same context, and the model's
score of the message is the highest of its windows' logits, per label, so a threat at the end of a
long message counts as much as one at its start. Without window_stride the message is cut after
message_max tokens (models exported before windows).
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DeepInputConfig:
    max_len: int = 64
    message_max: int = 40
    line_max: int = 16
    context_lines: int = 6
    window_stride: int = 0  # 0: a long message is cut after message_max tokens
    max_windows: int = 1

    def to_json(self) -> dict:
        out = {'maxLen': self.max_len, 'messageMax': self.message_max, 'lineMax': self.line_max,
               'contextLines': self.context_lines}
        if self.window_stride > 0:
            out |= {'windowStride': self.window_stride, 'maxWindows': self.max_windows}
        return out

    @classmethod
    def from_json(cls, c: dict) -> 'DeepInputConfig':
        """From a model config's sinbin.input (the TS InputConfigSchema's fields)."""
        return cls(c['maxLen'], c['messageMax'], c['lineMax'], c['contextLines'], c.get('windowStride', 0), c.get('maxWindows', 1))


@dataclass(frozen=True)
class SpecialIds:
    pad: int
    cls: int
    sep: int
    self_: int
    other: int


def build_ids(message: list[int], context: list[tuple[bool, list[int]]], sp: SpecialIds,
              cfg: DeepInputConfig) -> tuple[list[int], list[int]]:
    """message: token ids of the message; context: (same_speaker, token ids) oldest first."""
    head = [sp.cls] + message[:cfg.message_max] + [sp.sep]
    budget = cfg.max_len - len(head) - 1
    pieces: list[list[int]] = []
    recent = context[-cfg.context_lines:] if cfg.context_lines > 0 else []  # [-0:] would keep all
    for same, ids in reversed(recent):
        if budget < 2:
            break
        piece = ([sp.self_ if same else sp.other] + ids[:cfg.line_max])[:budget]
        pieces.append(piece)
        budget -= len(piece)
    if not pieces:
        return head, [0] * len(head)
    tail = [t for piece in reversed(pieces) for t in piece] + [sp.sep]
    return head + tail, [0] * len(head) + [1] * len(tail)


def message_windows(n: int, size: int, stride: int, max_windows: int) -> list[int]:
    """Where the windows of a message of n tokens start: every `stride` tokens, the last one ending
    with the message. Past max_windows, that many windows spread evenly from the first token to
    the last (the middle of a very long message is then read in part). Twin of messageWindows."""
    if n <= size or stride <= 0 or max_windows <= 1:
        return [0]
    last = n - size
    starts = list(range(0, last, stride)) + [last]
    if len(starts) > max_windows:
        starts = [i * last // (max_windows - 1) for i in range(max_windows)]
    return starts


def build_windows(message: list[int], context: list[tuple[bool, list[int]]], sp: SpecialIds,
                  cfg: DeepInputConfig) -> list[tuple[list[int], list[int]]]:
    """The sequences the model reads for one message: one per window, each with the same context."""
    size = cfg.message_max
    return [build_ids(message[s:s + size], context, sp, cfg)
            for s in message_windows(len(message), size, cfg.window_stride, cfg.max_windows)]


def max_by_owner(values: np.ndarray, owners: np.ndarray, n: int) -> np.ndarray:
    """Per-message maximum of per-window rows: values [windows, labels], owners [windows] in 0..n-1."""
    out = np.full((n,) + values.shape[1:], -np.inf, dtype=values.dtype)
    np.maximum.at(out, owners, values)
    return out

"""How a message and its conversation context become one token sequence. Mirrored by
shared/scoring/src/transformer-deep.ts (buildDeepInput); keep both in step.

  [CLS] message [SEP] ([SELF]|[OTHER] earlier line)... [SEP]
  token types: 0 for the message part, 1 for the context part.

All text goes through the model's text form first (deep_text: normalize_text unless the config
says light). The newest context lines are kept when the budget runs out; kept lines stay oldest
first.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class DeepInputConfig:
    max_len: int = 64
    message_max: int = 40
    line_max: int = 16
    context_lines: int = 6

    def to_json(self) -> dict:
        return {'maxLen': self.max_len, 'messageMax': self.message_max, 'lineMax': self.line_max,
                'contextLines': self.context_lines}


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

"""A small BERT-style encoder written out in plain torch ops so the ONNX export is simple
and runs anywhere onnxruntime does. Post-LN layers, learned positions, [CLS] pooling."""
import math
from dataclasses import dataclass, asdict

import torch
from torch import nn


@dataclass
class EncoderConfig:
    vocab_size: int = 8000
    hidden: int = 128
    layers: int = 2
    heads: int = 4
    ffn: int = 512
    max_len: int = 64
    type_vocab: int = 2
    dropout: float = 0.1
    outputs: int = 6


class Layer(nn.Module):
    def __init__(self, c: EncoderConfig):
        super().__init__()
        self.heads = c.heads
        self.qkv = nn.Linear(c.hidden, 3 * c.hidden)
        self.proj = nn.Linear(c.hidden, c.hidden)
        self.ln1 = nn.LayerNorm(c.hidden, eps=1e-12)
        self.ff1 = nn.Linear(c.hidden, c.ffn)
        self.ff2 = nn.Linear(c.ffn, c.hidden)
        self.ln2 = nn.LayerNorm(c.hidden, eps=1e-12)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
        ctx = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.drop(self.proj(ctx)))
        return self.ln2(x + self.drop(self.ff2(torch.nn.functional.gelu(self.ff1(x)))))


class Encoder(nn.Module):
    def __init__(self, c: EncoderConfig):
        super().__init__()
        self.c = c
        self.tok = nn.Embedding(c.vocab_size, c.hidden)
        self.pos = nn.Embedding(c.max_len, c.hidden)
        self.typ = nn.Embedding(c.type_vocab, c.hidden)
        self.ln = nn.LayerNorm(c.hidden, eps=1e-12)
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.layers)])
        # MLM head ties to the token embedding; classification head reads [CLS].
        self.mlm_dense = nn.Linear(c.hidden, c.hidden)
        self.mlm_ln = nn.LayerNorm(c.hidden, eps=1e-12)
        self.mlm_bias = nn.Parameter(torch.zeros(c.vocab_size))
        self.pool = nn.Linear(c.hidden, c.hidden)
        self.classifier = nn.Linear(c.hidden, c.outputs)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def encode(self, ids, mask, types):
        t = ids.shape[1]
        pos = torch.arange(t, device=ids.device).unsqueeze(0)
        x = self.drop(self.ln(self.tok(ids) + self.pos(pos) + self.typ(types)))
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def mlm_logits(self, ids, mask, types, chosen):
        # Vocabulary logits only at the masked positions: the full [B, T, V] product dominated step time.
        x = self.encode(ids, mask, types)[chosen]
        x = self.mlm_ln(torch.nn.functional.gelu(self.mlm_dense(x)))
        return x @ self.tok.weight.T + self.mlm_bias

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.encode(input_ids, attention_mask, token_type_ids)
        return self.classifier(torch.tanh(self.pool(self.drop(x[:, 0]))))

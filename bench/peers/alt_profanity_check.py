"""Scores JSON lines from stdin ({"text": ...}) with alt-profanity-check's predict_prob, in one
batch on one thread, and prints {"probabilities": [...], "seconds": s} (the scoring alone, not
the import). Run by bench/peers.ts inside the venv bench/peers/setup.sh makes."""
import json
import os
import sys
import time

os.environ.setdefault('OMP_NUM_THREADS', '1')
from profanity_check import predict_prob  # noqa: E402

texts = [json.loads(line)['text'] for line in sys.stdin if line.strip()]
predict_prob(texts[:64])  # warm-up
start = time.perf_counter()
probabilities = [float(p) for p in predict_prob(texts)]
print(json.dumps({'probabilities': probabilities, 'seconds': time.perf_counter() - start}))

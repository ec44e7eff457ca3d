"""Progress lines with an ETA for long jobs (training, evaluation)."""
import sys
import time


class Progress:
    def __init__(self, label: str, total: int, every_seconds: float = 20.0):
        self.label, self.total, self.every = label, max(1, total), every_seconds
        self.start = self.last = time.time()

    def tick(self, done: int, note: str = '') -> None:
        now = time.time()
        if now - self.last < self.every and done < self.total:
            return
        self.last = now
        elapsed = now - self.start
        eta = elapsed / max(done, 1) * (self.total - done)
        print(f'  {self.label}: {done}/{self.total} ({100 * done / self.total:.0f}%) '
              f'elapsed {fmt(elapsed)} eta {fmt(eta)} {note}', file=sys.stderr, flush=True)


def fmt(seconds: float) -> str:
    seconds = int(seconds)
    return f'{seconds // 60}m{seconds % 60:02d}s'

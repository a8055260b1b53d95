"""The answer stage and the public API of the assistant (grows with the answer stage)."""

__all__: list[str] = []

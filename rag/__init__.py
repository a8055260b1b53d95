"""Ask questions of your documents; every answer cites the exact passages it used.

from rag import Assistant
assistant = Assistant.open()            # the index built by `rag index build`
answer = assistant.ask("Why do tree-based methods still beat neural nets on tables?")
print(answer.text, answer.mode, [c.quote for c in answer.citations])
response = assistant.ask_stream("Will deep learning be interpretable?")
for delta in response: ...             # text as it is produced, then response.answer

The package's rooms follow a question: question/ (follow-up rewrite, evidence gate, what is
asked) -> retrieval/ -> answer/ (extractive or a local model) -> verification/ (the judge);
models/ holds the models it runs, text/ the text utilities all of them share.

Glossary: the records one answer passes through, in order.
- `Draft` (answer/): what the extractive answerer returns: the text shown, its claims, the
  passages it saw. Not yet verified.
- `Released` (verification/streaming.py): a model's reply as it was checked and released
  sentence by sentence: its raw text, what was shown, each sentence's check.
- `Generated` (records.py): the model's side of a final answer: its raw text, each sentence's
  check, and whether it passed the gate (kept even when quotes replaced it).
- `Answer` (records.py): the result: text, mode (llm / extractive / abstained), verified
  `Citation`s, the `Hit`s used, notice, timings.
- `Response` (response.py): a streamed `Answer`: iterate it for text deltas, then `.answer`.
"""

from .assistant import Assistant
from .errors import DownloadError, ModelError, ModelMissingError, QuestionError, RagError
from .records import Answer, Citation, Hit
from .response import Response
from .settings import Settings

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "DownloadError",
    "Hit",
    "ModelError",
    "ModelMissingError",
    "QuestionError",
    "RagError",
    "Response",
    "Settings",
]

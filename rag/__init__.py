"""Ask questions of your documents; every answer cites the exact passages it used.

from rag import Assistant
assistant = Assistant.open()            # the index built by `rag index build`
answer = assistant.ask("Why do tree-based methods still beat neural nets on tables?")
print(answer.text, answer.mode, [c.quote for c in answer.citations])
response = assistant.ask_stream("Will deep learning be interpretable?")
for delta in response: ...             # text as it is produced, then response.answer
"""

from .assistant import Assistant
from .errors import DownloadError, ModelMissingError, QuestionError, RagError
from .records import Answer, Citation, Hit
from .response import Response
from .settings import Settings

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "DownloadError",
    "Hit",
    "ModelMissingError",
    "QuestionError",
    "RagError",
    "Response",
    "Settings",
]

"""An OpenAI-compatible API over the assistant: `GET /v1/models` and `POST /v1/chat/completions`.

Chat front ends (Open WebUI, LangChain's ChatOpenAI, the `openai` client) speak this API. An
answer keeps its [n] markers and ends with a "Sources" block, so every client shows where it
comes from; the structured citations travel beside it, as PrivateGPT and RAGFlow send them: on
the message (`choices[0].message.citations`), or, streamed, on the last chunk's delta. The
conversation's earlier messages are the chat history, so follow-ups work.

Each model id is an answer mode: "rag" (the LLM when one is present, else quotes),
"rag-extractive", and "rag-llm" when a language model is installed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from index import IndexStageError
from modelhome import ModelError
from rag import Answer, QuestionError, RagError, Response
from rag.settings import AskMode

from .service import AssistantService

log = logging.getLogger(__name__)

SOURCES_HEADING = "\n\nSources:\n"  # where an answer's text ends and its sources block begins
QUOTE_CHARS = 160  # a quote in the sources block is cut here: the citation carries it whole


class APIError(Exception):
    """A request refused with an HTTP status and an OpenAI-shaped error body."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def response(self) -> JSONResponse:
        kind = "authentication_error" if self.status == 401 else "invalid_request_error"
        if self.status >= 500:
            kind = "server_error"
        return JSONResponse(
            {"error": {"message": str(self), "type": kind, "param": None, "code": self.code}},
            status_code=self.status,
        )


class _Message(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls...: tolerated, unused
    role: str
    # A string, or OpenAI's list of parts ({"type": "text", "text": ...}); None for tool calls.
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(
                str(part.get("text", "")) for part in self.content if part.get("type") == "text"
            )
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # unknown fields (top_p, user, ...) are tolerated
    model: str = "rag"
    messages: list[_Message] = Field(min_length=1)
    stream: bool = False
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    # The most tokens a model's answer may take (OpenAI's newer name first); quotes are not
    # written by a model and ignore it.
    max_completion_tokens: int | None = Field(None, gt=0)
    max_tokens: int | None = Field(None, gt=0)
    n: int = Field(1, description="answers a question: the assistant gives one")

    @field_validator("n")
    @classmethod
    def _one_answer(cls, n: int) -> int:
        if n != 1:
            raise ValueError(f"the assistant gives one answer a question; n must be 1, not {n}")
        return n

    @property
    def answer_tokens(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


def model_modes(llm: bool) -> dict[str, AskMode]:
    """The model ids this server answers as, and the answer mode each one asks for."""
    modes: dict[str, AskMode] = {"rag": "auto", "rag-extractive": "extractive"}
    if llm:
        modes["rag-llm"] = "llm"
    return modes


def history_text(content: str) -> str:
    """An earlier answer as the assistant's history takes it: without its sources block."""
    return content.split(SOURCES_HEADING, 1)[0]


def conversation(messages: Sequence[_Message]) -> tuple[str, list[dict[str, str]]]:
    """The question (the last message, the user's) and the chat before it. System and tool
    messages are not part of a chat about the documents: they are left out."""
    *before, last = messages
    if last.role != "user" or not last.text().strip():
        raise APIError(400, "the last message must be the user's question, with text")
    history = [
        {"role": m.role, "content": history_text(m.text()) if m.role == "assistant" else m.text()}
        for m in before
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    return last.text(), history


def sources_block(answer: Answer) -> str:
    """The citations as lines a plain chat client can show: `[n] source, page p: "quote"`."""
    if not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        where = c.source + (f", {c.page_label}" if c.page_label else "")
        quote = " ".join(c.quote.split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
        lines.append(f'[{c.marker}] {where}: "{quote}"')
    return SOURCES_HEADING + "\n".join(lines)


def ending(said: str, answer: Answer) -> str:
    """What follows the streamed text `said` in a reply: the rest of the answer's text, if
    any, then its sources block. A reply streamed or whole reads the same: the stream's text
    (a replaced model answer's notice included), not `answer.text` alone. (The checked text
    may drop an invalid marker the stream already showed: what was said is kept.)"""
    rest = answer.text[len(said) :] if answer.text.startswith(said) else ""
    return rest + sources_block(answer)


def _extras(answer: Answer) -> dict[str, Any]:
    return {"mode": answer.mode, "notice": answer.notice, "question": answer.question}


class ChatCompletions:
    """The routes' handlers over the app's shared service. Answers are computed in worker
    threads, at most `concurrency` at once, as the web app's queue allows. Requests beyond
    that wait on the event loop (an asyncio semaphore), not in a worker thread: waiting
    threads would fill the pool that the answers being streamed need to go on."""

    def __init__(self, service: AssistantService, key: str | None, concurrency: int) -> None:
        self.service = service
        self.key = key
        self._slots = asyncio.Semaphore(concurrency)

    def authorize(self, request: Request) -> None:
        if self.key is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        right = secrets.compare_digest(given.encode(), self.key.encode())
        if scheme.lower() != "bearer" or not right:
            raise APIError(
                401,
                "missing or wrong API key (send it as 'Authorization: Bearer KEY')",
                "invalid_api_key",
            )

    def models(self) -> dict[str, Any]:
        created = int(time.time())
        return {
            "object": "list",
            "data": [
                {"id": name, "object": "model", "created": created, "owned_by": "rag-assistant"}
                for name in model_modes(self.service.llm_available)
            ],
        }

    def parse(self, body: bytes) -> ChatRequest:
        try:
            return ChatRequest.model_validate(json.loads(body))
        except json.JSONDecodeError as exc:
            raise APIError(400, f"the request body is not JSON: {exc}") from exc
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            raise APIError(400, f"invalid request: {problems}") from exc

    async def complete(self, request: ChatRequest) -> JSONResponse | StreamingResponse:
        modes = model_modes(self.service.llm_available)
        if request.model not in modes:
            raise APIError(
                404, f"no model '{request.model}' (this server has: {', '.join(modes)})",
                "model_not_found",
            )  # fmt: skip
        question, history = conversation(request.messages)
        mode = modes[request.model]
        try:
            # A bad question is refused here, before a stream starts.
            self.service.assistant.check_question(question)
        except QuestionError as exc:
            raise APIError(400, str(exc)) from exc
        reply = _Reply(request.model)
        if request.stream:
            stream = self._stream(reply, question, history, mode, request)
            return StreamingResponse(stream, media_type="text/event-stream")
        async with self._slots:
            said, answer = await run_in_threadpool(self._answer, question, history, mode, request)
        return JSONResponse(reply.completion(said + ending(said, answer), answer))

    def _answer(
        self, question: str, history: list[dict[str, str]], mode: AskMode, request: ChatRequest
    ) -> tuple[str, Answer]:
        """What the stream says (a failed model answer's notice included) and the answer."""
        try:
            response = self._response(question, history, mode, request)
            return "".join(response), response.answer
        except (RagError, IndexStageError, ModelError) as exc:
            raise APIError(503, str(exc)) from exc

    def _response(
        self, question: str, history: list[dict[str, str]], mode: AskMode, request: ChatRequest
    ) -> Response:
        settings = self.service.settings
        temp = request.temperature
        return self.service.ask_stream(
            question,
            history,
            k=settings.retrieval.k,
            mode=mode,
            temperature=settings.generation.temperature if temp is None else temp,
            max_tokens=request.answer_tokens,
        )

    async def _stream(
        self,
        reply: _Reply,
        question: str,
        history: list[dict[str, str]],
        mode: AskMode,
        request: ChatRequest,
    ) -> AsyncIterator[str]:
        """Server-sent events: the answer's text as it is produced, then its sources block,
        then a last chunk with the citations; an error mid-way is an `error` event."""
        async with self._slots:
            yield reply.event({"role": "assistant", "content": ""})
            sent = ""
            try:
                response = self._response(question, history, mode, request)
                async for delta in iterate_in_threadpool(response):
                    sent += delta
                    yield reply.event({"content": delta})
                answer = response.answer  # the stream has ended: no work left
            except (RagError, IndexStageError, ModelError) as exc:
                log.info("/v1/chat/completions stream failed: %s", exc)
                body = {"error": {"message": str(exc), "type": "server_error", "code": None}}
                yield f"data: {json.dumps(body)}\n\n"
                yield "data: [DONE]\n\n"
                return
            if ending(sent, answer):
                yield reply.event({"content": ending(sent, answer)})
            citations = [c.to_dict() for c in answer.citations]
            yield reply.event({"citations": citations}, finish="stop", rag=_extras(answer))
            yield "data: [DONE]\n\n"


class _Reply:
    """One completion's id and the OpenAI shapes its answer goes out in."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model

    def completion(self, content: str, answer: Answer) -> dict[str, Any]:
        message = {
            "role": "assistant",
            "content": content,
            "citations": [c.to_dict() for c in answer.citations],
        }
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "rag": _extras(answer),
        }

    def event(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"


def router(service: AssistantService, *, key: str | None, concurrency: int) -> APIRouter:
    """The /v1 routes. With a `key`, every request must bring it as a bearer token."""
    api = ChatCompletions(service, key, concurrency)
    routes = APIRouter(prefix="/v1", dependencies=[Depends(api.authorize)])

    @routes.get("/models")
    def models() -> dict[str, Any]:
        return api.models()

    @routes.post("/chat/completions", response_model=None)
    async def chat_completions(request: Request) -> JSONResponse | StreamingResponse:
        return await api.complete(api.parse(await request.body()))

    # Answered here, in OpenAI's error shape: otherwise the web app mounted at "/" takes them
    # and says {"detail": "Not Found"}.
    @routes.api_route("/chat/completions", methods=["GET", "PUT", "PATCH", "DELETE"])
    def wrong_method(request: Request) -> None:
        raise APIError(405, f"{request.method} is not allowed here: POST a chat completion")

    @routes.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(path: str) -> None:
        raise APIError(
            404, f"no endpoint /v1/{path}: this server has /v1/models and /v1/chat/completions"
        )

    return routes


def install(app: FastAPI, service: AssistantService, *, key: str | None, concurrency: int) -> None:
    """Add the /v1 routes to `app`; refusals answer in OpenAI's error shape."""
    app.include_router(router(service, key=key, concurrency=concurrency))

    @app.exception_handler(APIError)
    async def _refused(request: Request, exc: APIError) -> JSONResponse:
        return exc.response()

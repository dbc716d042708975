"""Multipart form posts read with a limit on their fields that the caller chooses.

Django holds the fields of a multipart post to DATA_UPLOAD_MAX_MEMORY_SIZE, which is
sized for the site's own forms and read from settings inside its parser, so it cannot be
raised for one view without raising it for every request of every thread. Mail
providers post a whole message as one form field (Mailgun's `body-mime`, SendGrid's raw
`email`), so their webhooks read the post here: with Django's own multipart reader
(boundaries, part headers, file name cleaning), Django's limits on the number of fields
and files, and the limit on the fields' size passed in. Every other form keeps Django's.
"""

from __future__ import annotations

import base64
import binascii
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import (
    FIELD,
    FILE,
    ChunkIter,
    LazyStream,
    MultiPartParser,
    MultiPartParserError,
    Parser,
    exhaust,
)
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str

CHUNK_BYTES = 64 * 1024


class _LimitedMultiPartParser(MultiPartParser):
    """Django's parser (its checks of the content type and boundary, its reader of the
    parts) with a field limit of its own instead of DATA_UPLOAD_MAX_MEMORY_SIZE.

    Files are kept in memory: the whole post is in memory already, bounded by the
    caller, so spooling its parts to disk would save nothing.
    """

    def __init__(self, meta: dict[str, Any], body: bytes, encoding: str, field_limit: int) -> None:
        super().__init__(meta, BytesIO(body), upload_handlers=[], encoding=encoding)
        self._chunk_size = CHUNK_BYTES
        self._field_limit = field_limit

    def _parse(self) -> tuple[QueryDict, MultiValueDict]:
        encoding = self._encoding
        self._post = QueryDict(mutable=True, encoding=encoding)
        self._files = MultiValueDict()
        field_bytes = fields = files = 0
        stream = LazyStream(ChunkIter(self._input_data, self._chunk_size))
        for item_type, meta_data, part in Parser(stream, self._boundary):
            if item_type not in (FIELD, FILE):
                exhaust(part)  # the preamble and epilogue around the parts
                continue
            try:
                disposition = meta_data["content-disposition"][1]
                name = force_str(disposition["name"].strip(), encoding, errors="replace")
            except (KeyError, IndexError, AttributeError):
                continue
            transfer_encoding = meta_data.get("content-transfer-encoding")
            is_base64 = transfer_encoding is not None and transfer_encoding[0].strip() == "base64"
            if item_type == FIELD:
                fields += 1
                max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
                if max_fields is not None and fields > max_fields:
                    raise TooManyFieldsSent(
                        "The number of POST fields exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS."
                    )
                # Read no more than the limit allows, and count the name as Django does.
                data = part.read(size=max(self._field_limit - field_bytes, 0))
                field_bytes += len(data) + len(name) + 2
                if field_bytes > self._field_limit:
                    raise RequestDataTooBig("The POST fields exceeded the webhook's limit.")
                if is_base64:
                    try:
                        data = base64.b64decode(data)
                    except binascii.Error:
                        pass  # Django keeps such a field as it came
                self._post.appendlist(name, force_str(data, encoding, errors="replace"))
            else:
                files += 1
                max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
                if max_files is not None and files > max_files:
                    raise TooManyFilesSent(
                        "The number of files exceeded DATA_UPLOAD_MAX_NUMBER_FILES."
                    )
                self._file_add(name, disposition, meta_data, part.read(), is_base64)
        self._post._mutable = False
        return self._post, self._files

    def _file_add(
        self,
        name: str,
        disposition: dict[str, bytes],
        meta_data: dict[str, Any],
        content: bytes,
        is_base64: bool,
    ) -> None:
        file_name = self.sanitize_file_name(
            force_str(disposition["filename"], self._encoding, errors="replace")
        )
        if not file_name:
            return  # a name Django refuses ("..", a bare path) drops the file, as there
        if is_base64:
            try:
                content = base64.b64decode(b"".join(content.split()))
            except binascii.Error as error:
                raise MultiPartParserError("Could not decode base64 data.") from error
        content_type, extra = meta_data.get("content-type", ("", {}))
        charset = extra.get("charset")
        self._files.appendlist(
            name,
            InMemoryUploadedFile(
                file=BytesIO(content),
                field_name=name,
                name=file_name,
                content_type=content_type.strip(),
                size=len(content),
                charset=force_str(charset) if charset else None,
                content_type_extra=extra,
            ),
        )


def multipart_post_read(request: HttpRequest, *, field_limit: int) -> None:
    """Fill request.POST and request.FILES from the multipart body already read.

    Call after request.body has been read and bounded by the caller. Raises
    RequestDataTooBig when the fields together exceed `field_limit`, TooManyFieldsSent
    or TooManyFilesSent past Django's counts, MultiPartParserError for a malformed post.
    """
    body = request.body
    # The body read is the truth about its length: a missing or wrong Content-Length
    # (a chunked post) would make Django's parser see an empty post.
    meta = {**request.META, "CONTENT_LENGTH": str(len(body))}
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        parser = _LimitedMultiPartParser(meta, body, encoding, field_limit)
        request._post, request._files = parser.parse()
    except Exception:
        # As Django does: whatever reads POST later finds it empty, not parsed again.
        request._post, request._files = QueryDict(), MultiValueDict()
        raise

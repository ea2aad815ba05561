// HTTP routes of case attachments: upload an image, fetch it back by id. Thin: decode, call app, encode.
#pragma once

#include <string_view>

#include "app/attachments.h"
#include "http/router.h"

namespace civicgrid::http {

// Registers POST /api/v1/attachments ("attachments.create": the raw image as the body, or
// multipart/form-data with one part named "file"; answers 201 with {"id","content_type","size","width",
// "height","url"}) and GET /api/v1/attachments/{id} ("attachments.get": the image with its content
// type, an ETag of the id and a year-long immutable Cache-Control; 304 on a matching If-None-Match).
// Errors are JSON: 400 (malformed upload or id), 404, 413 (over the store's limit), 415 (not a JPEG,
// PNG or WebP, whatever the declared Content-Type).
void AddAttachmentRoutes(Router& router, app::AttachmentStore& store);

// Stores the uploaded file of `request` (see UploadedFile) and answers 201 with its description, or
// the JSON error.
Response CreateAttachment(app::AttachmentStore& store, const Request& request);

// The uploaded file of a request: the part named "file" when the request is multipart/form-data (a
// preamble and an epilogue are ignored, as are other parts), else the whole body. Fails with
// invalid_argument (field "file") on malformed multipart, no part named "file", or more than one.
// The view points into request.body.
Result<std::string_view> UploadedFile(const Request& request);
Result<std::string_view> UploadedFile(const Request&& request) = delete;  // the view would dangle

}  // namespace civicgrid::http

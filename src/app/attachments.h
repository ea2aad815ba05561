// Case attachments: the photos sent with reports and resolutions, stored content-addressed on disk.
//
// An attachment's id is the lowercase hex SHA-256 of its bytes, and it lives at ROOT/ab/cd/<id> (ab and
// cd being the id's first two pairs of hex digits). Only JPEG, PNG and WebP images are accepted; they
// are recognised by their magic bytes and headers alone, never by a client's declared Content-Type. A
// file appears under its final name only once complete: it is written to a temporary file in the same
// directory, fsynced, renamed into place, and the directory is fsynced. Safe from many threads and
// processes at once; two Puts of the same bytes both answer the same id and leave one file.
//
//   app::AttachmentStore store("var/attachments");
//   auto a = store.Put(bytes);       // a->id, a->content_type, a->width, ...
//   auto c = store.Get(a->id);       // c->bytes, c->content_type
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace civicgrid::app {

// What is known of one stored image.
struct Attachment {
  std::string id;            // 64 lowercase hex digits: the SHA-256 of the bytes
  std::string content_type;  // "image/jpeg", "image/png" or "image/webp"
  std::size_t size = 0;      // bytes
  uint32_t width = 0;        // pixels, from the image's header; 0 when the header does not say
  uint32_t height = 0;
};

// An image's kind and dimensions, as read from its bytes.
struct ImageInfo {
  std::string content_type;  // "image/jpeg", "image/png" or "image/webp"
  uint32_t width = 0;        // 0 when unreadable
  uint32_t height = 0;
};

// Recognises a JPEG (FF D8 FF), a PNG (signature and a well-formed IHDR chunk) or a WebP (RIFF container
// whose size matches the data, form type WEBP, first chunk VP8, VP8L or VP8X) and reads its dimensions
// (JPEG SOFn marker, PNG IHDR, WebP VP8/VP8L/VP8X header). Answers nullopt for anything else.
std::optional<ImageInfo> SniffImage(std::string_view bytes);

// True when `id` is 64 hex digits (either case).
bool IsAttachmentId(std::string_view id);

// The image bytes of one attachment and their content type.
struct AttachmentContent {
  std::string bytes;
  std::string content_type;
};

// The content-addressed store of attachment images under one root directory.
class AttachmentStore {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 10 * 1024 * 1024;

  // Uses `root` (created, with its subdirectories, on the first Put) and accepts images of at most
  // `max_bytes`. Initialises libsodium; throws std::runtime_error if it cannot be initialised.
  explicit AttachmentStore(std::filesystem::path root, std::size_t max_bytes = kDefaultMaxBytes);

  // Stores an image durably and answers what it is. Fails with invalid_argument (field "file") when
  // `bytes` is empty, "payload_too_large" (field "file") when over max_bytes(), "unsupported_media_type"
  // (field "file") when it is not a JPEG, PNG or WebP, and "internal" on an I/O error (leaving no
  // partial file). Storing bytes already stored writes nothing and answers the same id.
  Result<Attachment> Put(std::string_view bytes);

  // The bytes and content type of attachment `id` (hex digits in either case). Fails with
  // invalid_argument (field "id") for a malformed id, not_found (field "id") when no such attachment
  // exists, "internal" when it cannot be read.
  Result<AttachmentContent> Get(std::string_view id) const;

  // True when attachment `id` is stored; false for a malformed id.
  bool Exists(std::string_view id) const;

  // Where attachment `id` (64 lowercase hex digits) is, or would be, stored: root/ab/cd/<id>.
  std::filesystem::path PathFor(std::string_view id) const;

  const std::filesystem::path& root() const { return root_; }
  std::size_t max_bytes() const { return max_bytes_; }

 private:
  std::filesystem::path root_;
  std::size_t max_bytes_;
};

}  // namespace civicgrid::app

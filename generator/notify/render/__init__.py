"""One renderer per channel type: a `Message` into exactly what that service accepts."""

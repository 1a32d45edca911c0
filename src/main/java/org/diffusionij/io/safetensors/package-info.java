/**
 * The safetensors format, read and written with no Python and byte-compatible with the reference
 * implementation: {@link org.diffusionij.io.safetensors.SafetensorsReader} validates a header before any offset
 * in it is trusted and converts F16/BF16/F64 to float32; {@link org.diffusionij.io.safetensors.SafetensorsWriter}
 * writes what diffusers writes for the same content. Which files make up a model's weights is decided in
 * {@link org.diffusionij.io.WeightFiles}.
 */
package org.diffusionij.io.safetensors;

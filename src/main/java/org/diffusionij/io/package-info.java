/**
 * Diffusers model folders in and out, with no Python: configs, weights, {@code model_index.json}.
 * <p>
 * Reading a model:
 *
 * <pre>
 * DiffusersFolder folder = DiffusersFolder.open(dir);            // or open(dir, "fp16")
 * DiffusersComponent unet = folder.component("unet");
 * ConfigJson config = unet.config();                             // typed getters; unusedKeys() for reports
 * Map&lt;String, NDArray&gt; weights = unet.loadWeights(manager);    // diffusers' key names, float32
 * </pre>
 *
 * Saving one (the folder is replaced only once the new one is complete):
 *
 * <pre>
 * new ModelFolderWriter("DDPMPipeline").model("unet", unetConfigJson, weights)
 *     .scheduler("scheduler", schedulerConfigJson).save(dir);
 * </pre>
 *
 * Files written here are byte-identical to those diffusers writes for the same content
 * ({@link org.diffusionij.io.safetensors.SafetensorsWriter}, {@link org.diffusionij.io.DiffusersJson}); files
 * read here are validated before any offset in them is trusted
 * ({@link org.diffusionij.io.safetensors.SafetensorsReader}). The safetensors format itself is in
 * {@link org.diffusionij.io.safetensors}, the CLIP tokenizer of a {@code tokenizer/} folder in
 * {@link org.diffusionij.io.clip}.
 */
package org.diffusionij.io;

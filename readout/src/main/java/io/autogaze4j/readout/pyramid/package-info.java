/**
 * Masked image pyramids for ViT-style consumers (burn_autogaze's pyramid module): fixation masks over pixels,
 * applying a mask to an image, per-level mask densities, density-weighted pyramid tokens and their top-k
 * sparsification. Tensors are float32 {@code [B, C, H, W]} row-major ({@link io.autogaze4j.tensor.Tensor}).
 * Entry point: {@link io.autogaze4j.readout.pyramid.ImagePyramid}.
 */
package io.autogaze4j.readout.pyramid;

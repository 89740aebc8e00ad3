package io.autogaze4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        String prop = System.getProperty("autogaze.fixtures");
        Path root = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "fixtures");
        assertTrue(
                Files.isDirectory(root.resolve(name)),
                "fixture missing: " + root.resolve(name).toAbsolutePath());
        return root.resolve(name);
    }

    @Test
    void officialLayoutLoadsAndDerivesConstants() throws Exception {
        try (Checkpoint c = Checkpoint.open(fixture("model_k10"))) {
            AutoGazeConfig cfg = c.config();
            assertArrayEquals(new int[] {32, 64, 112, 224}, cfg.scales());
            assertEquals(265, cfg.cellsPerFrame());
            assertEquals(10, cfg.numHeads());
            assertEquals(196, cfg.visionTokensPerFrame());
            assertEquals(266, cfg.decoder().vocabSize());
            assertEquals(265, cfg.decoder().eosTokenId());
            assertEquals(32, cfg.decoder().headDim());
            assertTrue(cfg.decoder().rope().isLlama3());
            assertEquals(500000.0, cfg.decoder().rope().theta());
            int[] grids = new int[4], offsets = new int[4];
            for (int s = 0; s < 4; s++) {
                grids[s] = cfg.gridOfScale(s);
                offsets[s] = cfg.offsetOfScale(s);
            }
            assertArrayEquals(new int[] {2, 4, 7, 14}, grids);
            assertArrayEquals(new int[] {0, 4, 20, 69}, offsets);
            assertEquals(49, ExpectedTensors.of(cfg).size());
            long params = ExpectedTensors.of(cfg).values().stream()
                    .mapToLong(s -> {
                        long n = 1;
                        for (int d : s) {
                            n *= d;
                        }
                        return n;
                    })
                    .sum();
            assertEquals(3_258_240L, params);
            assertArrayEquals(
                    new float[] {0.485f, 0.456f, 0.406f}, c.preprocessor().mean());
        }
        try (Checkpoint c = Checkpoint.open(fixture("model_mtp4"))) {
            assertEquals(4, c.config().numHeads()); // rope_parameters spelling (transformers 5) also present
        }
    }

    private Path copyOfModel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model" + System.nanoTime()));
        for (String f : new String[] {"config.json", "preprocessor_config.json"}) {
            Files.copy(fixture("model_k1").resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void missingFilesAreListed() throws Exception {
        Path dir = copyOfModel();
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertThrows(CheckpointException.class, () -> Checkpoint.open(tmp.resolve("absent")));
    }

    @Test
    void missingTensorAndWrongShapeAreNamed() throws Exception {
        Path dir = copyOfModel();
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile src = SafetensorsFile.open(fixture("model_k1").resolve("model.safetensors"))) {
            for (Map.Entry<String, TensorInfo> e : src.tensors().entrySet()) {
                String name = e.getKey();
                if (name.endsWith("layers.2.mlp.up_proj.weight")) {
                    continue; // dropped
                }
                if (name.endsWith("connector.pos_embed")) {
                    w.addFloats(name, new int[] {195, 192}, new float[195 * 192]); // wrong shape
                    continue;
                }
                w.addFloats(name, e.getValue().shape(), src.floats(name));
            }
        }
        w.write(dir.resolve("model.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertTrue(
                e.getMessage().contains("missing tensor 'gazing_model.gaze_decoder.model.layers.2.mlp.up_proj.weight'"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("connector.pos_embed' has shape [195, 192], expected [196, 192]"),
                e.getMessage());
    }

    @Test
    void inconsistentConfigsAreExplained() throws Exception {
        String base = Files.readString(fixture("model_k10").resolve("config.json"));
        assertConfigError(base.replace("\"num_attention_heads\": 6", "\"num_attention_heads\": 5"), "not divisible");
        assertConfigError(
                base.replace("\"num_vision_tokens_each_frame\": 265", "\"num_vision_tokens_each_frame\": 300"),
                "cells");
        assertConfigError(base.replace("\"scales\": \"32+64+112+224\"", "\"scales\": \"32+abc\""), "not an integer");
        assertConfigError(
                base.replace("\"input_img_size\": 224", "\"input_img_size\": 230"), "multiple of kernel_size");
        assertConfigError(base.replace("\"hidden_size\": 192", "\"hidden_size\": \"wide\""), "hidden_size");
        assertConfigError("{ not json", "JSON");
    }

    private void assertConfigError(String json, String expected) throws Exception {
        Path f = tmp.resolve("config" + System.nanoTime() + ".json");
        Files.writeString(f, json);
        ConfigException e = assertThrows(ConfigException.class, () -> AutoGazeConfig.load(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(f.toString()), e.getMessage());
    }

    // issue 15, cases 1, 4 and 6: absurd or silent-garbage config values fail at once, naming key, value and range

    @Test
    void everyAbsurdConfigValueIsRefusedWithItsRange() throws Exception {
        String base = Files.readString(fixture("model_k10").resolve("config.json"));
        assertConfigError(
                base.replace("\"num_hidden_layers\": 4", "\"num_hidden_layers\": 1000000000"),
                "num_hidden_layers' = 1000000000 is outside its range [1, 64]");
        assertConfigError(base.replace("\"depth\": 1", "\"depth\": 1000000000"), "depth' = 1000000000 is outside");
        assertConfigError(
                base.replace("\"rope_theta\": 500000.0", "\"rope_theta\": 0"), "rope_theta' = 0.0 is outside");
        assertConfigError(base.replace("\"rope_theta\": 500000.0", "\"rope_theta\": -5"), "rope_theta");
        assertConfigError(base.replace("\"factor\": 8.0", "\"factor\": 0"), "rope_scaling.factor' = 0.0 is outside");
        assertConfigError(
                base.replace("\"high_freq_factor\": 4.0", "\"high_freq_factor\": 1.0"), "must exceed low_freq_factor");
        assertConfigError(
                base.replace("\"gazing_ratio\": 0.5", "\"gazing_ratio\": 5"),
                "gazing_ratio' = 5.0 is outside its range (0, 1]");
        assertConfigError(base.replace("\"gazing_ratio\": 0.5", "\"gazing_ratio\": -1"), "gazing_ratio' = -1.0");
        assertConfigError(base.replace("\"hidden_size\": 192", "\"hidden_size\": 2000000000"), "hidden_size");
        assertConfigError(base.replace("\"max_num_frames\": 16", "\"max_num_frames\": 0"), "max_num_frames");
        assertConfigError(base.replace("\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": 0"), "rms_norm_eps");
        assertConfigError(
                base.replace("\"scales\": \"32+64+112+224\"", "\"scales\": \"32+64+112+100000\""), "scales[3]");
        assertConfigError(
                base.replace("\"model_type\": \"autogaze\"", "\"model_type\": \"autogaze\", \"model_type\": \"x\""),
                "Duplicate");
    }

    @Test
    void absurdPreprocessorValuesAreRefusedWithTheirRange() throws Exception {
        String base = Files.readString(fixture("model_k10").resolve("preprocessor_config.json"));
        assertPreprocessorError(base.replace("0.229", "1e-38"), "image_std[0]' = 9.99999");
        assertPreprocessorError(
                base.replace("\"shortest_edge\": 224", "\"shortest_edge\": 100000"),
                "shortest_edge' = 100000 is outside its range [1, 4096]");
        assertPreprocessorError(
                base.replace("\"rescale_factor\": 0.00784313725490196", "\"rescale_factor\": 0"), "rescale_factor");
        assertPreprocessorError(base.replace("0.485", "1e30"), "image_mean[0]");
    }

    @Test
    void configLayerCountThatDisagreesWithTheWeightsNamesBothNumbers() throws Exception {
        Path dir = copyOfModel();
        Files.copy(fixture("model_k1").resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Path config = dir.resolve("config.json");
        Files.writeString(
                config, Files.readString(config).replace("\"num_hidden_layers\": 4", "\"num_hidden_layers\": 3"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir));
        assertTrue(
                e.getMessage().contains("num_hidden_layers = 3 but the weights hold 4 decoder layers"), e.getMessage());
    }

    @Test
    void aNanWeightIsRefusedNamingTensorAndElement() throws Exception {
        Path dir = copyOfModel();
        String poisoned = "gazing_model.gaze_decoder.model.layers.1.mlp.down_proj.weight";
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile src = SafetensorsFile.open(fixture("model_k1").resolve("model.safetensors"))) {
            for (Map.Entry<String, TensorInfo> e : src.tensors().entrySet()) {
                float[] values = src.floats(e.getKey());
                if (e.getKey().equals(poisoned)) {
                    values[385] = Float.NaN; // row 1, column 1 of [192, 384]
                }
                w.addFloats(e.getKey(), e.getValue().shape(), values);
            }
        }
        w.write(dir.resolve("model.safetensors"));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Checkpoint.open(dir));
        assertEquals(poisoned, e.tensor());
        assertTrue(e.getMessage().contains("element 385 [1, 1] of [192, 384] is NaN"), e.getMessage());
    }

    private void assertPreprocessorError(String json, String expected) throws Exception {
        Path f = tmp.resolve("pre" + System.nanoTime() + ".json");
        Files.writeString(f, json);
        ConfigException e = assertThrows(ConfigException.class, () -> PreprocessorConfig.load(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(f.toString()), e.getMessage());
    }
}

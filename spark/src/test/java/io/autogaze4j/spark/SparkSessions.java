package io.autogaze4j.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The tests' Spark: local, 2 task slots, a task may fail up to 4 times ({@code local[N,F]} retries failed
 * tasks, plain {@code local[N]} does not). One session for every test class of the JVM; it ends with the JVM.
 */
final class SparkSessions {
    private SparkSessions() {}

    static SparkSession local() {
        return SparkSession.builder()
                .master("local[2,4]")
                .appName("autogaze4j-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    static Path fixtures() {
        return Path.of(System.getProperty("autogaze.fixtures", "../../shared/fixtures"));
    }

    /** The CLI's bundled demo checkpoint (K = 10, random weights). */
    static Path model() {
        return fixtures().resolve("model_k10");
    }

    static Path exampleVideo() {
        return fixtures().resolve("../media/example_input.mp4").normalize();
    }
}

#!/usr/bin/env bash
# Trains the bundled denoising model models/denoise-gray from data/train-gray (the recipe is
# src/test/java/org/diffusionij/recipes/BundledDenoiserRecipe.java). Run from the repository root.
# Where the folder holds its full training state (training_state.safetensors, which is not shipped), running
# it again resumes; otherwise it trains from scratch and replaces the folder (then rerun DenoiseBenchmark and
# update the model card's quality table).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/recipe-classpath.txt \
	-Dmdep.includeScope=test
exec java -Xmx4g -cp "target/test-classes:target/classes:$(cat target/recipe-classpath.txt)" \
	org.diffusionij.recipes.BundledDenoiserRecipe data/train-gray models/denoise-gray

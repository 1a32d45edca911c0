#!/usr/bin/env bash
# Trains the bundled denoising model models/denoise-gray from data/train-gray (the recipe is
# src/test/java/org/diffusionij/recipes/BundledDenoiserRecipe.java) in two runs: 500 steps from scratch, then
# 900 steps from those weights at half the learning rate. Both use the first GPU when there is one (about 3
# minutes together on an H100), else the CPU (many hours on a laptop). Run from the repository root.
# Where a folder holds its full training state (training_state.safetensors, which is not shipped), running it
# again resumes that run; otherwise the run starts afresh and replaces the folder. Afterwards rerun
# DenoiseBenchmark and update the model card's quality table.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/recipe-classpath.txt \
	-Dmdep.includeScope=test
run() { # java options, then the data and output folders
	java -Xmx8g "${@:1:$#-2}" -cp "target/test-classes:target/classes:$(cat target/recipe-classpath.txt)" \
		org.diffusionij.recipes.BundledDenoiserRecipe "${@: -2:1}" "${@: -1}"
}
run data/train-gray target/denoise-gray-first
run -Drecipe.init=target/denoise-gray-first -Drecipe.steps=900 -Drecipe.lr=5e-4 data/train-gray models/denoise-gray

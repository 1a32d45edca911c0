package org.diffusionij.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which folders the catalog offers, and where it looks for bundled models. */
class ModelCatalogTest {

	@TempDir
	Path dir;

	private Path model(Path parent, String name, String index) throws Exception {
		Path m = Files.createDirectories(parent.resolve(name));
		Files.writeString(m.resolve("model_index.json"), index);
		return m;
	}

	@Test
	void listsModelsInUserFoldersAndExplainsBrokenOnes() throws Exception {
		Path models = Files.createDirectory(dir.resolve("models"));
		model(models, "b-ddim", "{\"_class_name\":\"DDIMPipeline\",\"unet\":[\"diffusers\",\"UNet2DModel\"]}");
		model(models, "a-ddpm", "{\"_class_name\":\"DDPMPipeline\"}");
		model(models, "broken", "{\"_class_name\":");
		model(models, "nameless", "{}");
		Files.createDirectory(models.resolve("not-a-model"));
		Path single = model(dir, "mine", "{\"_class_name\":\"StableDiffusionPipeline\"}");

		ModelCatalog c = new ModelCatalog().addUserFolder(models).addUserFolder(single).addUserFolder(single);
		List<String> names = c.entries().stream().map(e -> e.toString()).collect(Collectors.toList());
		assertEquals(List.of("a-ddpm (DDPMPipeline)", "b-ddim (DDIMPipeline)", "mine (StableDiffusionPipeline)"),
			names);
		assertEquals(single.toAbsolutePath().normalize(), c.find("mine").folder);
		assertFalse(c.find("mine").bundled);
		assertNull(c.find("not-a-model"));
		assertEquals(2, c.problems().size());
		assertTrue(c.problems().get(models.resolve("broken").toAbsolutePath().normalize()).contains(
			"not valid JSON"));
		assertTrue(c.problems().get(models.resolve("nameless").toAbsolutePath().normalize()).contains(
			"names no pipeline"));
	}

	@Test
	void bundledModelsLieBesideTheJarInFijiOrInTheProject() throws Exception {
		Path jars = Files.createDirectory(dir.resolve("jars"));
		Path jar = Files.createFile(jars.resolve("Diffusion_for_ImageJ.jar"));
		assertEquals(List.of(), ModelCatalog.bundledRoots(jar));
		Path besideJar = Files.createDirectory(jars.resolve("models"));
		assertEquals(List.of(besideJar), ModelCatalog.bundledRoots(jar));

		Path classes = Files.createDirectories(dir.resolve("project/target/classes"));
		Path projectModels = Files.createDirectory(dir.resolve("project/models"));
		assertEquals(List.of(projectModels), ModelCatalog.bundledRoots(classes));

		Path fijiPlugins = Files.createDirectories(dir.resolve("Fiji.app/plugins"));
		Path fijiModels = Files.createDirectory(dir.resolve("Fiji.app/models"));
		assertEquals(List.of(fijiModels), ModelCatalog.bundledRoots(fijiPlugins.resolve("Diffusion_for_ImageJ.jar")),
			"the update site installs models/ at Fiji's top level");

		Files.createDirectory(dir.resolve("project/target/models"));
		assertEquals(List.of(dir.resolve("project/target/models"), projectModels), ModelCatalog.bundledRoots(
			classes));
	}
}

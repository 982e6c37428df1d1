// llama.cpp's side of the GGUF check (check_gguf.sh): loads a GGUF file with node-llama-cpp
// (llama.cpp's prebuilt CPU library), tokenizes each prompt as llama.cpp does (BOS when the file
// asks for it) and generates N tokens greedily, printing one JSON line per prompt:
// {"prompt", "prompt_ids", "generated_ids", "text"}.
//   node check_gguf.mjs MODEL.gguf N PROMPT...
import {getLlama} from "node-llama-cpp";

const [file, count, ...prompts] = process.argv.slice(2);
if (!file || !count || prompts.length === 0) {
  console.error("usage: node check_gguf.mjs MODEL.gguf N PROMPT...");
  process.exit(2);
}
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: file});
for (const prompt of prompts) {
  const context = await model.createContext({contextSize: 256, batchSize: 256});
  const sequence = context.getSequence();
  const promptIds = model.tokenize(prompt, false);
  if (model.tokens.shouldPrependBosToken && model.tokens.bos != null) promptIds.unshift(model.tokens.bos);
  const generated = [];
  for await (const token of sequence.evaluate(promptIds, {temperature: 0})) {
    generated.push(token);
    if (generated.length >= Number(count)) break;
  }
  console.log(JSON.stringify({prompt, prompt_ids: promptIds, generated_ids: generated,
                              text: model.detokenize(generated)}));
  await context.dispose();
}
await model.dispose();

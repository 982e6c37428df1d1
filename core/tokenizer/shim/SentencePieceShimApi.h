#pragma once
/* C interface of the sentencepiece module (libtunebench_spm.so).
 *
 * libsentencepiece carries its own protobuf-lite with exported symbols, which collide with the
 * libprotobuf that LibTorch loads: linked into one process they crash before main(). The module
 * links sentencepiece alone and is opened with dlopen(RTLD_LOCAL | RTLD_DEEPBIND), so only this
 * plain C interface crosses the boundary. Strings are UTF-8; sizes are in bytes.
 *
 * Functions that produce variable-length output take (out, capacity) and return the size needed;
 * the caller retries with a larger buffer when the result exceeds the capacity. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TB_SPM_API_VERSION 1

typedef struct tb_spm tb_spm;

int tb_spm_api_version(void);

/* Return NULL on failure with a message written to err (always NUL-terminated). */
tb_spm* tb_spm_load_file(const char* path, char* err, size_t err_capacity);
tb_spm* tb_spm_load_bytes(const char* data, size_t size, char* err, size_t err_capacity);
void tb_spm_free(tb_spm* model);

int tb_spm_vocab_size(const tb_spm* model);
int tb_spm_bos_id(const tb_spm* model);
int tb_spm_eos_id(const tb_spm* model);
int tb_spm_unk_id(const tb_spm* model);
int tb_spm_pad_id(const tb_spm* model);

/* Encodes text into ids; returns the number of ids (written only if <= capacity), or -1 on error. */
long tb_spm_encode(const tb_spm* model, const char* text, size_t size, int* ids, size_t capacity);
/* Decodes ids into text; returns the byte length (written only if < capacity), or -1 on error. */
long tb_spm_decode(const tb_spm* model, const int* ids, size_t count, char* out, size_t capacity);
/* The piece for an id; returns its byte length, or -1 when the id is out of range. */
long tb_spm_id_to_piece(const tb_spm* model, int id, char* out, size_t capacity);
/* The id of a piece, or the unknown id when absent. */
int tb_spm_piece_to_id(const tb_spm* model, const char* piece, size_t size);
/* Serialized model proto; returns its byte length. */
long tb_spm_serialize(const tb_spm* model, char* out, size_t capacity);

/* Runs sentencepiece's trainer with a command-line style argument string
 * ("--input=corpus.txt --model_prefix=m --vocab_size=200"). Returns 0 on success. */
int tb_spm_train(const char* arguments, char* err, size_t err_capacity);

#ifdef __cplusplus
}
#endif

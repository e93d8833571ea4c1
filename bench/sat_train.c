/*
 * C -O2 reference for the benchmark: the original sat-rnn recipe's inner loop (forward, BPTT over
 * 50-step chunks, global-norm clip at 5, SGD), float32 like the original trainer, plain loops.
 * usage: sat_train <data file> <epochs>; prints {"positions_per_sec":…,"positions_per_cpu_sec":…,"seconds":…,"last_train_bpc":…}.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define H 128
#define V 256
#define CHUNK 50

static float Wx[H][V], Wh[H][H], bh[H], Wy[V][H], by[V];
static float gWx[H][V], gWh[H][H], gbh[H], gWy[V][H], gby[V];
static float hs[CHUNK + 1][H], probs[CHUNK][V];

static float frand(void) { return ((float)rand() / RAND_MAX - 0.5f) / 128; }

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s <data> <epochs>\n", argv[0]); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  static unsigned char data[1 << 20];
  int n = (int)fread(data, 1, sizeof data, f);
  fclose(f);
  int epochs = atoi(argv[2]);
  srand(42);
  for (int i = 0; i < H; i++) {
    for (int x = 0; x < V; x++) Wx[i][x] = frand();
    for (int j = 0; j < H; j++) Wh[i][j] = frand();
  }
  for (int o = 0; o < V; o++) for (int j = 0; j < H; j++) Wy[o][j] = frand();
  struct timespec t0, t1, c0, c1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  double bpc = 0;
  for (int e = 1; e <= epochs; e++) {
    float lr = fmaxf(0.01f * 0.5f * (1 + cosf((float)M_PI * e / epochs)), 1e-4f);
    double loss = 0;
    memset(hs[0], 0, sizeof hs[0]);
    for (int pos = 0; pos < n - 1; pos += CHUNK) {
      int len = n - 1 - pos < CHUNK ? n - 1 - pos : CHUNK;
      memset(gWx, 0, sizeof gWx); memset(gWh, 0, sizeof gWh); memset(gbh, 0, sizeof gbh);
      memset(gWy, 0, sizeof gWy); memset(gby, 0, sizeof gby);
      for (int t = 0; t < len; t++) {
        int x = data[pos + t], y = data[pos + t + 1];
        for (int i = 0; i < H; i++) {
          float s = bh[i] + Wx[i][x];
          for (int j = 0; j < H; j++) s += Wh[i][j] * hs[t][j];
          hs[t + 1][i] = tanhf(s);
        }
        float max = -1e30f, z = 0;
        for (int o = 0; o < V; o++) {
          float s = by[o];
          for (int j = 0; j < H; j++) s += Wy[o][j] * hs[t + 1][j];
          probs[t][o] = s;
          if (s > max) max = s;
        }
        for (int o = 0; o < V; o++) { probs[t][o] = expf(probs[t][o] - max); z += probs[t][o]; }
        for (int o = 0; o < V; o++) probs[t][o] /= z;
        loss -= log(probs[t][y]);
        probs[t][y] -= 1;
      }
      float dhNext[H] = {0}, dh[H], dpre[H];
      for (int t = len - 1; t >= 0; t--) {
        int x = data[pos + t];
        memcpy(dh, dhNext, sizeof dh);
        for (int o = 0; o < V; o++) {
          float d = probs[t][o];
          gby[o] += d;
          for (int j = 0; j < H; j++) { gWy[o][j] += d * hs[t + 1][j]; dh[j] += d * Wy[o][j]; }
        }
        for (int i = 0; i < H; i++) dpre[i] = dh[i] * (1 - hs[t + 1][i] * hs[t + 1][i]);
        memset(dhNext, 0, sizeof dhNext);
        for (int i = 0; i < H; i++) {
          gbh[i] += dpre[i];
          gWx[i][x] += dpre[i];
          for (int j = 0; j < H; j++) { gWh[i][j] += dpre[i] * hs[t][j]; dhNext[j] += dpre[i] * Wh[i][j]; }
        }
      }
      double sq = 0;
      for (int i = 0; i < H; i++) { for (int x = 0; x < V; x++) sq += gWx[i][x] * gWx[i][x]; for (int j = 0; j < H; j++) sq += gWh[i][j] * gWh[i][j]; sq += gbh[i] * gbh[i]; }
      for (int o = 0; o < V; o++) { for (int j = 0; j < H; j++) sq += gWy[o][j] * gWy[o][j]; sq += gby[o] * gby[o]; }
      double norm = sqrt(sq);
      float s = lr * (norm > 5.0 ? (float)(5.0 / norm) : 1.0f);
      for (int i = 0; i < H; i++) { for (int x = 0; x < V; x++) Wx[i][x] -= s * gWx[i][x]; for (int j = 0; j < H; j++) Wh[i][j] -= s * gWh[i][j]; bh[i] -= s * gbh[i]; }
      for (int o = 0; o < V; o++) { for (int j = 0; j < H; j++) Wy[o][j] -= s * gWy[o][j]; by[o] -= s * gby[o]; }
      memcpy(hs[0], hs[len], sizeof hs[0]);
    }
    bpc = loss / (n - 1) / log(2);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  double sec = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  double cpu = (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) * 1e-9;
  double positions = (double)epochs * (n - 1);
  printf("{\"positions_per_sec\":%.1f,\"positions_per_cpu_sec\":%.1f,\"seconds\":%.4f,\"last_train_bpc\":%.6f}\n",
         positions / sec, positions / cpu, sec, bpc);
  return 0;
}

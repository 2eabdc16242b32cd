import AlertgateCompression
import Benchmark

/// zlib on the payload path: every raw payload is compressed before it is stored, and
/// compressed request bodies are inflated before decoding.
func compressionBenchmarks() {
    let webhook = Fixtures.alertmanagerWebhook
    let batch = Fixtures.alertmanagerAPIBatch100
    let storedWebhook = Zlib.compress(webhook)

    Benchmark("Zlib.compress webhook (0.9 KB)") { benchmark in
        blackHole(Zlib.compress(webhook))
    }
    Benchmark("Zlib.compress 100 alerts (\(batch.count / 1024) KB)") { benchmark in
        blackHole(Zlib.compress(batch))
    }
    Benchmark("Zlib.decompress stored webhook") { benchmark in
        blackHole(try Zlib.decompress(storedWebhook, format: .zlib, limit: 1 << 20))
    }
    Benchmark("Zlib.decompress OTLP gzip body") { benchmark in
        blackHole(try Zlib.decompress(Fixtures.otlpProtobufGzip, format: .gzip, limit: 1 << 20))
    }
}

using System.Buffers;
using System.Text.Json;
using JsonApiInvites.Api.JsonApi;

namespace JsonApiInvites.Api.Tests.JsonApi;

/// <summary>The buffer documents are written into before they are sent with their length.</summary>
public sealed class PooledBufferWriterTests
{
    [TestCase(1)]
    [TestCase(4096)]
    public void Holds_what_a_writer_wrote_across_growth(int initialSize)
    {
        var expected = new ArrayBufferWriter<byte>();
        using var buffer = new PooledBufferWriter(initialSize);
        foreach (IBufferWriter<byte> output in new IBufferWriter<byte>[] { expected, buffer })
        {
            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartArray();
            for (var i = 0; i < 5000; i++)
            {
                writer.WriteStringValue($"value {i} {new string('x', i % 300)}");
            }

            writer.WriteEndArray();
        }

        Assert.That(expected.WrittenCount, Is.GreaterThan(500_000));
        Assert.That(buffer.WrittenCount, Is.EqualTo(expected.WrittenCount));
        Assert.That(buffer.WrittenSpan.SequenceEqual(expected.WrittenSpan), Is.True);
    }

    [Test]
    public void Gives_at_least_the_room_asked_for()
    {
        using var buffer = new PooledBufferWriter(16);
        buffer.Advance(buffer.GetSpan(10).Length);

        Assert.That(buffer.GetSpan(100_000).Length, Is.GreaterThanOrEqualTo(100_000));
        Assert.That(buffer.GetMemory().Length, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void Refuses_to_advance_past_its_room_or_to_be_used_once_disposed()
    {
        var buffer = new PooledBufferWriter(16);
        var room = buffer.GetSpan().Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(room + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
        buffer.Advance(room);
        Assert.That(buffer.WrittenCount, Is.EqualTo(room));

        buffer.Dispose();
        buffer.Dispose();
        Assert.That(buffer.WrittenCount, Is.Zero);
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan());
    }
}

using System.Globalization;
using System.Text.Json;
using JsonApiInvites.Api.JsonApi;

namespace JsonApiInvites.Api.Tests.JsonApi;

/// <summary>Timestamps are written by hand (no format string on the hot path), so they are checked against the framework's formatting.</summary>
public sealed class Rfc3339Tests
{
    private static readonly DateTimeOffset[] Values =
    [
        new(2026, 11, 23, 2, 40, 57, 999, TimeSpan.Zero),
        new(2026, 1, 1, 0, 30, 0, TimeSpan.FromHours(2)),
        new(1, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new(9999, 12, 31, 23, 59, 59, TimeSpan.Zero),
        new(2024, 2, 29, 12, 5, 9, TimeSpan.FromMinutes(-330)),
    ];

    [TestCaseSource(nameof(Values))]
    public void Formats_utc_with_whole_seconds_and_a_z(DateTimeOffset value)
    {
        var expected = value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        Assert.That(Rfc3339.Format(value), Is.EqualTo(expected));
    }

    [Test]
    public void Formats_any_instant_as_the_framework_does()
    {
        var random = new Random(20261130);
        for (var i = 0; i < 100_000; i++)
        {
            var value = new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), TimeSpan.Zero);
            var expected = value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (Rfc3339.Format(value) != expected)
            {
                Assert.Fail($"{value.UtcTicks} ticks: {Rfc3339.Format(value)}, expected {expected}");
            }
        }
    }

    [TestCaseSource(nameof(Values))]
    public void Writes_the_same_text_as_a_json_string(DateTimeOffset value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Rfc3339.WriteValue(writer, value);
        }

        Assert.That(JsonDocument.Parse(buffer.ToArray()).RootElement.GetString(), Is.EqualTo(Rfc3339.Format(value)));
    }
}

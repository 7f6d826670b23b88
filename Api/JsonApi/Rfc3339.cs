using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

public static class Rfc3339
{
    private const int Length = 20;

    /// <summary>UTC with whole seconds and a 'Z', e.g. <c>2026-11-23T02:40:57Z</c>.</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[Length];
        return System.Text.Encoding.ASCII.GetString(Format(value, text));
    }

    /// <summary>Writes the value as <see cref="Format(DateTimeOffset)"/> does, with no string in between.</summary>
    public static void WriteValue(Utf8JsonWriter writer, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[Length];
        writer.WriteStringValue(Format(value, text));
    }

    // Every list writes two of these a resource: the date's parts come from one calculation (DateTime's Year, Month and
    // Day properties each repeat it), the time's from the seconds into the day.
    private static ReadOnlySpan<byte> Format(DateTimeOffset value, Span<byte> text)
    {
        var utc = value.UtcDateTime;
        utc.Deconstruct(out int year, out int month, out int day);
        var secondOfDay = (int)(utc.Ticks / TimeSpan.TicksPerSecond % 86_400);
        Digits(text[..4], year);
        text[4] = (byte)'-';
        TwoDigits(text[5..], month);
        text[7] = (byte)'-';
        TwoDigits(text[8..], day);
        text[10] = (byte)'T';
        TwoDigits(text[11..], secondOfDay / 3600);
        text[13] = (byte)':';
        TwoDigits(text[14..], secondOfDay / 60 % 60);
        text[16] = (byte)':';
        TwoDigits(text[17..], secondOfDay % 60);
        text[19] = (byte)'Z';
        return text[..Length];
    }

    private static void TwoDigits(Span<byte> target, int value)
    {
        target[0] = (byte)('0' + (value / 10));
        target[1] = (byte)('0' + (value % 10));
    }

    private static void Digits(Span<byte> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}

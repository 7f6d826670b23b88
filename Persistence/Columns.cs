namespace JsonApiInvites.Persistence;

/// <summary>How domain values are stored: times as Unix milliseconds, ids as lower-case text, lists space-separated.</summary>
internal static class Columns
{
    public static long Time(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? Time(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? Time(long? value) => value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    public static string Id(Guid value) => value.ToString("D");

    public static string List(IEnumerable<string> values) => string.Join(' ', values);

    public static string[] List(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

namespace JsonApiInvites.Persistence;

/// <summary>How lists are stored, on every provider: space-separated text (ids and times: see <see cref="Database"/>).</summary>
internal static class Columns
{
    public static string List(IEnumerable<string> values) => string.Join(' ', values);

    public static string[] List(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

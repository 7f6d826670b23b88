using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// Approval tests for response shapes. The snapshot of a test lives in <c>__snapshots__/</c> beside its source file as
/// <c>Class.Test[.name].json</c>: status, the headers a client relies on, and the body, with ids, cursors and tokens
/// replaced by numbered placeholders (timestamps come from the frozen clock, so they stay real).
/// A mismatch fails and writes <c>.received.json</c> beside it; a missing snapshot fails under CI and is written
/// (and reported) otherwise; <c>UPDATE_SNAPSHOTS=1</c> accepts the new output.
/// </summary>
public static partial class Snapshot
{
    private static readonly string[] HeaderNames =
    [
        "Content-Type", "Location", "Allow", "WWW-Authenticate", "Retry-After", "Vary",
        "api-version-requested", "api-version-served", "api-version-lifecycle-stage",
        "api-supported-versions", "api-deprecated-versions", "Deprecation", "Sunset",
    ];

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Match(ApiResponse response, string? name = null, [CallerFilePath] string sourceFile = "")
    {
        var headers = new JsonObject();
        foreach (var header in HeaderNames)
        {
            if (response.Header(header) is { } value)
            {
                headers[header] = value;
            }
        }

        var document = new JsonObject
        {
            ["status"] = (int)response.Status,
            ["headers"] = headers,
            ["body"] = response.Body.Length == 0 ? null : JsonNode.Parse(response.Body),
        };
        MatchText(Scrub(document.ToJsonString(Indented)), name, sourceFile);
    }

    public static void MatchText(string actual, string? name, string sourceFile)
    {
        var test = TestContext.CurrentContext.Test;
        var className = test.ClassName![(test.ClassName!.LastIndexOf('.') + 1)..];
        var fileName = $"{className}.{test.MethodName}{(name is null ? "" : "." + name)}";
        var directory = Path.Combine(Path.GetDirectoryName(sourceFile)!, "__snapshots__");
        var expectedPath = Path.Combine(directory, fileName + ".json");
        var receivedPath = Path.Combine(directory, fileName + ".received.json");
        actual = actual.ReplaceLineEndings("\n") + "\n";

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1" || !File.Exists(expectedPath))
        {
            var missing = !File.Exists(expectedPath);
            Directory.CreateDirectory(directory);
            File.WriteAllText(expectedPath, actual);
            if (missing && IsCi)
            {
                Assert.Fail($"Snapshot {expectedPath} was missing. It has been written; review and commit it.");
            }

            return;
        }

        var expected = File.ReadAllText(expectedPath).ReplaceLineEndings("\n");
        if (expected == actual)
        {
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.That(actual, Is.EqualTo(expected), $"Snapshot {expectedPath} differs; the new output is in {receivedPath}. Run with UPDATE_SNAPSHOTS=1 to accept it.");
    }

    private static bool IsCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Numbers each distinct id, cursor and token by first appearance, so equal values stay visibly equal.</summary>
    public static string Scrub(string text)
    {
        text = Number(text, Guid(), "guid");
        text = Number(text, Cursor(), "cursor");
        return Number(text, Token(), "token");
    }

    private static string Number(string text, Regex pattern, string label)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        return pattern.Replace(text, match =>
        {
            if (!seen.TryGetValue(match.Value, out var number))
            {
                number = seen.Count + 1;
                seen[match.Value] = number;
            }

            return $"{{{label}-{number}}}";
        });
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex("v1\\.[A-Za-z0-9_-]+")]
    private static partial Regex Cursor();

    [GeneratedRegex("jai_[A-Za-z0-9_-]+")]
    private static partial Regex Token();
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The MUST rules of JSON:API 1.1 (jsonapi.org/format/1.1) that a response document can break, plus the product's
/// own (SPEC §4: snake_case member names, error objects with id/status/code/title/detail). Every response read by
/// <see cref="JsonApiClient"/> is checked, so each test of any route also checks that the route speaks JSON:API.
/// </summary>
public static partial class JsonApiRules
{
    private static readonly string[] TopLevelMembers = ["jsonapi", "data", "errors", "meta", "links", "included"];
    private static readonly string[] ResourceMembers = ["type", "id", "attributes", "relationships", "links", "meta"];
    private static readonly string[] ErrorMembers = ["id", "links", "status", "code", "title", "detail", "source", "meta"];
    private static readonly string[] SourceMembers = ["pointer", "parameter", "header"];
    private static readonly string[] LinkMembers = ["self", "related", "first", "last", "prev", "next", "describedby"];

    /// <summary>The violations of <paramref name="body"/> as a response with <paramref name="status"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Check(int status, string body)
    {
        var problems = new List<string>();
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException exception)
        {
            return [$"the body is not JSON: {exception.Message}"];
        }

        if (root is not JsonObject document)
        {
            return ["the top level is not an object (§7.1)"];
        }

        CheckMembers(document, "", TopLevelMembers, problems);
        if (document["jsonapi"]?["version"]?.GetValue<string>() != "1.1")
        {
            problems.Add("jsonapi.version is not \"1.1\"");
        }

        var hasData = document.ContainsKey("data");
        var hasErrors = document.ContainsKey("errors");
        if (hasData == hasErrors)
        {
            problems.Add(hasData ? "data and errors coexist (§7.1)" : "neither data nor errors");
        }

        if (document.ContainsKey("included") && !hasData)
        {
            problems.Add("included without data (§7.1)");
        }

        if (hasErrors)
        {
            CheckErrors(status, document["errors"], problems);
            return problems;
        }

        if (status >= 400)
        {
            problems.Add($"status {status} with a data document");
        }

        CheckLinks(document["links"], "/links", problems);
        if (document["links"]?["self"] is null)
        {
            problems.Add("the top-level links has no self");
        }

        var primary = new List<JsonObject>();
        switch (document["data"])
        {
            case null:
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckResourceOrIdentifier(array[i], $"/data/{i}", primary, problems);
                }

                break;
            default:
                CheckResourceOrIdentifier(document["data"], "/data", primary, problems);
                break;
        }

        if (document["included"] is { } includedNode)
        {
            CheckIncluded(includedNode, primary, problems);
        }

        return problems;
    }

    /// <summary>Fails the test when the response breaks a rule.</summary>
    public static void Assert(int status, string body)
    {
        var problems = Check(status, body);
        if (problems.Count > 0)
        {
            NUnit.Framework.Assert.Fail($"Not a valid JSON:API document:\n- {string.Join("\n- ", problems)}\n{body}");
        }
    }

    private static void CheckResourceOrIdentifier(JsonNode? node, string at, List<JsonObject> resources, List<string> problems)
    {
        if (node is not JsonObject resource)
        {
            problems.Add($"{at} is not a resource object");
            return;
        }

        CheckIdentity(resource, at, problems);
        var isIdentifier = resource.Count == 2 || (resource.Count == 3 && resource.ContainsKey("meta"));
        if (isIdentifier)
        {
            return;
        }

        resources.Add(resource);
        CheckResource(resource, at, problems);
    }

    private static void CheckResource(JsonObject resource, string at, List<string> problems)
    {
        CheckMembers(resource, at, ResourceMembers, problems);
        CheckLinks(resource["links"], $"{at}/links", problems);
        if (resource["links"]?["self"] is null)
        {
            problems.Add($"{at} has no links.self");
        }

        var fieldNames = new HashSet<string>(StringComparer.Ordinal);
        if (resource["attributes"] is { } attributes)
        {
            if (attributes is not JsonObject attributeObject)
            {
                problems.Add($"{at}/attributes is not an object");
            }
            else
            {
                foreach (var (name, _) in attributeObject)
                {
                    CheckFieldName(name, $"{at}/attributes", fieldNames, problems);
                }
            }
        }

        if (resource["relationships"] is { } relationships)
        {
            if (relationships is not JsonObject relationshipObject)
            {
                problems.Add($"{at}/relationships is not an object");
                return;
            }

            foreach (var (name, value) in relationshipObject)
            {
                var path = $"{at}/relationships/{name}";
                CheckFieldName(name, $"{at}/relationships", fieldNames, problems);
                if (value is not JsonObject relationship)
                {
                    problems.Add($"{path} is not an object");
                    continue;
                }

                CheckMembers(relationship, path, ["links", "data", "meta"], problems);
                CheckLinks(relationship["links"], $"{path}/links", problems);
                if (relationship["links"]?["self"] is null || relationship["links"]?["related"] is null)
                {
                    problems.Add($"{path} lacks links.self or links.related (SPEC §4)");
                }

                if (!relationship.ContainsKey("data"))
                {
                    problems.Add($"{path} has no data: linkage is always given here");
                }
                else if (relationship["data"] is { } data)
                {
                    if (data is JsonArray many)
                    {
                        for (var i = 0; i < many.Count; i++)
                        {
                            CheckIdentifierOnly(many[i], $"{path}/data/{i}", problems);
                        }
                    }
                    else
                    {
                        CheckIdentifierOnly(data, $"{path}/data", problems);
                    }
                }
            }
        }
    }

    private static void CheckIncluded(JsonNode includedNode, List<JsonObject> primary, List<string> problems)
    {
        if (includedNode is not JsonArray included)
        {
            problems.Add("included is not an array");
            return;
        }

        var seen = new HashSet<(string, string)>(primary.Select(Key));
        var resources = new List<JsonObject>();
        for (var i = 0; i < included.Count; i++)
        {
            var at = $"/included/{i}";
            if (included[i] is not JsonObject resource)
            {
                problems.Add($"{at} is not a resource object");
                continue;
            }

            CheckIdentity(resource, at, problems);
            CheckResource(resource, at, problems);
            if (!seen.Add(Key(resource)))
            {
                problems.Add($"{at} duplicates {Key(resource)} (§7.3.1)");
            }

            resources.Add(resource);
        }

        // Full linkage: every included resource is reached from the primary data through relationship linkage.
        var reachable = new HashSet<(string, string)>();
        var frontier = new Queue<JsonObject>(primary);
        while (frontier.TryDequeue(out var resource))
        {
            foreach (var target in LinkageOf(resource))
            {
                if (reachable.Add(target) && resources.FirstOrDefault(r => Key(r) == target) is { } next)
                {
                    frontier.Enqueue(next);
                }
            }
        }

        foreach (var resource in resources.Where(r => !reachable.Contains(Key(r))))
        {
            problems.Add($"included {Key(resource)} is not linked from the primary data (full linkage, §7.3.1)");
        }
    }

    private static void CheckErrors(int status, JsonNode? errorsNode, List<string> problems)
    {
        if (errorsNode is not JsonArray errors || errors.Count == 0)
        {
            problems.Add("errors is not a non-empty array");
            return;
        }

        if (status < 400)
        {
            problems.Add($"status {status} with an error document");
        }

        for (var i = 0; i < errors.Count; i++)
        {
            var at = $"/errors/{i}";
            if (errors[i] is not JsonObject error)
            {
                problems.Add($"{at} is not an object");
                continue;
            }

            CheckMembers(error, at, ErrorMembers, problems);
            foreach (var member in new[] { "id", "status", "code", "title", "detail" })
            {
                if (error[member] is not JsonValue value || !value.TryGetValue<string>(out var text) || text.Length == 0)
                {
                    problems.Add($"{at}/{member} is not a non-empty string (SPEC §4)");
                }
            }

            if (errors.Count == 1 && error["status"] is JsonValue statusValue && statusValue.TryGetValue<string>(out var statusText) && statusText != status.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                problems.Add($"{at}/status is {statusText} but the response is {status}");
            }

            if (error["source"] is { } sourceNode)
            {
                if (sourceNode is not JsonObject source || source.Count != 1 || !SourceMembers.Contains(source.First().Key))
                {
                    problems.Add($"{at}/source is not one of pointer, parameter or header");
                }
                else if (source["pointer"] is { } pointer && !JsonPointer().IsMatch(pointer.GetValue<string>()))
                {
                    problems.Add($"{at}/source/pointer is not a JSON Pointer");
                }
            }
        }
    }

    private static void CheckIdentity(JsonObject resource, string at, List<string> problems)
    {
        foreach (var member in new[] { "type", "id" })
        {
            if (resource[member] is not JsonValue value || !value.TryGetValue<string>(out var text) || text.Length == 0)
            {
                problems.Add($"{at}/{member} is not a non-empty string (§7.2)");
            }
            else if (member == "type" && !MemberName().IsMatch(text))
            {
                problems.Add($"{at}/type '{text}' is not a valid member name");
            }
        }
    }

    private static void CheckIdentifierOnly(JsonNode? node, string at, List<string> problems)
    {
        if (node is not JsonObject identifier)
        {
            problems.Add($"{at} is not a resource identifier");
            return;
        }

        CheckIdentity(identifier, at, problems);
        CheckMembers(identifier, at, ["type", "id", "meta"], problems);
    }

    private static void CheckFieldName(string name, string at, HashSet<string> fieldNames, List<string> problems)
    {
        if (name is "type" or "id")
        {
            problems.Add($"{at} has a field named '{name}' (§7.2.2)");
        }

        if (!MemberName().IsMatch(name))
        {
            problems.Add($"{at}/{name}: not a snake_case member name");
        }

        if (!fieldNames.Add(name))
        {
            problems.Add($"{at}/{name}: an attribute and a relationship share the name (§7.2.2)");
        }
    }

    private static void CheckLinks(JsonNode? linksNode, string at, List<string> problems)
    {
        if (linksNode is null)
        {
            return;
        }

        if (linksNode is not JsonObject links)
        {
            problems.Add($"{at} is not an object");
            return;
        }

        CheckMembers(links, at, LinkMembers, problems);
        foreach (var (name, value) in links)
        {
            if (value is not null && (value is not JsonValue link || !link.TryGetValue<string>(out var href) || !Uri.TryCreate(href, UriKind.RelativeOrAbsolute, out _)))
            {
                problems.Add($"{at}/{name} is not a URI string or null");
            }
        }
    }

    private static void CheckMembers(JsonObject node, string at, string[] allowed, List<string> problems)
    {
        foreach (var (name, _) in node.Where(m => !allowed.Contains(m.Key)))
        {
            problems.Add($"{at}/{name} is not a member JSON:API defines here");
        }
    }

    private static IEnumerable<(string, string)> LinkageOf(JsonObject resource)
    {
        if (resource["relationships"] is not JsonObject relationships)
        {
            yield break;
        }

        foreach (var (_, relationship) in relationships)
        {
            var data = relationship?["data"];
            var identifiers = data is JsonArray many ? many : data is null ? [] : (IEnumerable<JsonNode?>)[data];
            foreach (var identifier in identifiers.OfType<JsonObject>())
            {
                yield return Key(identifier);
            }
        }
    }

    private static (string, string) Key(JsonObject resource) => (resource["type"]?.ToString() ?? "", resource["id"]?.ToString() ?? "");

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex MemberName();

    [GeneratedRegex("^(/([^~/]|~0|~1)*)*$")]
    private static partial Regex JsonPointer();
}

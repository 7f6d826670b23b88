using System.Reflection;
using Microsoft.AspNetCore.Routing.Template;

namespace JsonApiInvites.Api.Versioning;

/// <summary>
/// The operations that exist only from some version on (actions with <see cref="IntroducedInAttribute"/>), so that a
/// request for one at an earlier resolved version can be told which version first has it, instead of a bare 404.
/// </summary>
public sealed class VersionedOperations(EndpointDataSource endpoints)
{
    private sealed record Operation(TemplateMatcher Matcher, IReadOnlyList<string> Methods, ApiVersionName IntroducedIn);

    private readonly Lazy<IReadOnlyList<Operation>> _operations = new(() => Collect(endpoints));

    /// <summary>The first version with an operation for this method and path, or null when no versioned operation matches.</summary>
    public ApiVersionName? FirstVersionOf(string method, PathString path)
    {
        ApiVersionName? first = null;
        foreach (var operation in _operations.Value)
        {
            if (operation.Methods.Contains(method, StringComparer.OrdinalIgnoreCase)
                && operation.Matcher.TryMatch(path, [])
                && (first is null || operation.IntroducedIn < first.Value))
            {
                first = operation.IntroducedIn;
            }
        }

        return first;
    }

    private static List<Operation> Collect(EndpointDataSource endpoints) =>
    [
        .. endpoints.Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, IntroducedIn: e.Metadata.GetMetadata<IntroducedInAttribute>()))
            .Where(e => e.IntroducedIn is not null)
            .Select(e => new Operation(
                new TemplateMatcher(TemplateParser.Parse(e.Endpoint.RoutePattern.RawText!), []),
                e.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [],
                e.IntroducedIn!.Version)),
    ];
}

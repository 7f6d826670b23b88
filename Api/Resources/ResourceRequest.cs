using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.Resources;

/// <summary>
/// What every read or write route needs from its request: the checked query string, the requested include paths,
/// the sparse fieldsets, and the link builder that keeps the client's requested version.
/// </summary>
public sealed record ResourceRequest(ApiVersionContext Version, QueryReader Query, LinkBuilder Links, Fieldsets Fields, IReadOnlySet<string>? Includes, HttpRequest Request)
{
    private static readonly IReadOnlySet<string> NoPaths = new HashSet<string>();
    private string? _self;

    /// <summary>
    /// The top-level self link of a GET: "the link that generated the current response document", every parameter
    /// kept. Built only when a route asks (lists and writes link elsewhere).
    /// </summary>
    public string Self => _self ??= OnlyTheVersion(Request.Query)
        ? Links.To(Request.Path) // the most common GET: nothing to keep but the version, which the link builder writes
        : Links.To(
            Request.Path,
            Request.Query.Where(p => p.Key != ApiVersionMiddleware.QueryParameter).Select(p => KeyValuePair.Create(p.Key, p.Value.ToString())));

    /// <summary>Whether the query string has no parameter but <c>version</c>, spelled so (the long form keeps any other spelling).</summary>
    private static bool OnlyTheVersion(IQueryCollection query)
    {
        if (query.Count != 1)
        {
            return query.Count == 0;
        }

        foreach (var (name, _) in query)
        {
            return name == ApiVersionMiddleware.QueryParameter;
        }

        return true;
    }

    /// <summary>Every resource type with its fields at a version: <c>fields[TYPE]</c> may name any of them on any route.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> FieldsAt(ApiVersionName served) =>
        FieldsByVersion.GetOrAdd(served, version =>
        {
            var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                [InvitationResources.Type] = InvitationContracts.For(version).Fields,
                [RoleResources.Type] = RoleResources.Fields,
                [OrganizationResources.Type] = OrganizationResources.Fields,
            };
            if (version >= Memberships.MembershipResources.IntroducedIn)
            {
                fields[Memberships.MembershipResources.Type] = Memberships.MembershipResources.Fields;
            }

            return fields;
        });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ApiVersionName, IReadOnlyDictionary<string, IReadOnlyList<string>>> FieldsByVersion = new();

    /// <param name="known">The query parameters the route accepts besides <c>version</c> (see <see cref="QueryReader.Check"/>).</param>
    /// <param name="includePaths">The include paths the route supports, when <paramref name="known"/> has <c>include</c>; none by default.</param>
    public static ResourceRequest Read(HttpContext context, IReadOnlyCollection<string> known, IReadOnlySet<string>? includePaths = null)
    {
        var version = context.GetApiVersion();
        var query = QueryReader.Check(context.Request.Query, known);
        var includes = known.Contains(QueryReader.Include) ? query.Includes(includePaths ?? NoPaths) : null;
        var fields = known.Contains(QueryReader.FieldsFamily) ? query.Fields(FieldsAt(version.Served)) : Fieldsets.All;
        return new ResourceRequest(version, query, new LinkBuilder(version.Requested), fields, includes, context.Request);
    }
}

namespace JsonApiInvites.Api.JsonApi;

public static class JsonApiServiceCollectionExtensions
{
    public static IServiceCollection AddJsonApi(this IServiceCollection services)
    {
        services.AddSingleton<ErrorWriter>();
        // Errors are ours to shape: no automatic ProblemDetails for model state or client errors.
        services.AddControllers().ConfigureApiBehaviorOptions(options =>
        {
            options.SuppressModelStateInvalidFilter = true;
            options.SuppressMapClientErrors = true;
        });
        return services;
    }

    public static IApplicationBuilder UseJsonApiErrors(this IApplicationBuilder app) => app.UseMiddleware<ErrorHandlingMiddleware>();
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;

namespace JsonApiInvites.Api.JsonApi;

public static class JsonApiServiceCollectionExtensions
{
    public static IServiceCollection AddJsonApi(this IServiceCollection services)
    {
        services.AddSingleton<ErrorWriter>();
        // MVC core only: AddControllers would also register authentication and authorization, which makes the host put
        // both middlewares in front of every request, for a scheme we do not use (tokens are ours: Auth/).
        // Errors are ours to shape: no automatic ProblemDetails for model state or client errors.
        services.AddMvcCore().ConfigureApiBehaviorOptions(options =>
        {
            options.SuppressModelStateInvalidFilter = true;
            options.SuppressMapClientErrors = true;
        });

        // Actions bind only route values and the cancellation token, and request documents are checked by our own
        // reader (RequestDocumentReader): there is nothing for MVC's model validation to validate.
        services.AddSingleton<IObjectModelValidator, NoModelValidation>();
        return services;
    }

    private sealed class NoModelValidation : IObjectModelValidator
    {
        public void Validate(ActionContext actionContext, ValidationStateDictionary? validationState, string prefix, object? model)
        {
        }
    }

    public static IApplicationBuilder UseJsonApiErrors(this IApplicationBuilder app) => app.UseMiddleware<ErrorHandlingMiddleware>();
}

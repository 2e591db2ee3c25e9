//! The `login` and `logout` commands.

use pers_library::{AuthType, BusinessOption, ErrorCode, SessionInfo, SignInRequest};
use serde::Serialize;

use crate::args::{GlobalArgs, KindArg, LoginArgs};
use crate::connect::{self, Context};
use crate::error::CommandError;
use crate::output::Output;

/// `--json` output of `login`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginOutput<'a> {
    #[serde(flatten)]
    session: &'a SessionInfo,
    /// With `PERS_CLI_SESSION_STORE=env`: the `PERS_CLI_SESSION=…` line to export.
    #[serde(skip_serializing_if = "Option::is_none")]
    export: Option<&'a str>,
}

/// One business of the picker, in `--json` output.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BusinessChoice<'a> {
    business_id: &'a str,
    display_name: Option<&'a str>,
    role: Option<&'a str>,
}

/// Signs in, saves the session and prints who is signed in.
///
/// Fails with [`CommandError::BusinessRequired`] after printing the businesses when the account
/// belongs to several and `--business` is missing.
pub(crate) async fn login(
    context: &Context,
    global: &GlobalArgs,
    args: &LoginArgs,
    output: &Output,
) -> Result<(), CommandError> {
    let request = sign_in_request(global, args)?;
    let project_key = request.project_key.clone();
    let library = context.open_library(|_| {})?;
    let info = match library.sign_in(request).await {
        Ok(info) => info,
        Err(error) if error.code() == ErrorCode::BusinessSelectionRequired => {
            let options = error.business_options().unwrap_or_default().to_vec();
            print_business_options(&options, output);
            return Err(CommandError::BusinessRequired { options });
        }
        Err(error) => return Err(error.into()),
    };

    let remembered = library.remember_session(&project_key)?;
    let export = context.store.save(remembered.to_secret()).await?;
    let export = export.as_ref().map(|line| line.expose());
    if output.json {
        output.json_line(&LoginOutput {
            session: &info,
            export,
        });
        return Ok(());
    }

    let business = info
        .business_name
        .as_deref()
        .or(info.business_id.as_deref())
        .map(|name| format!(" for {name}"))
        .unwrap_or_default();
    let summary = format!("signed in as {}{business} at {}", info.email, info.base_url);
    match export {
        // The export line alone goes to stdout, so `export "$(pers-assets login …)"` works.
        Some(line) => {
            eprintln!("{summary}");
            say!("{line}");
        }
        None => say!("{summary}"),
    }
    Ok(())
}

/// Deletes the saved session.
pub(crate) async fn logout(context: &Context, output: &Output) -> Result<(), CommandError> {
    context.store.delete().await?;
    if output.json {
        output.json_line(&serde_json::json!({ "signedOut": true }));
    } else if matches!(
        context.store,
        crate::session_store::SessionStore::Environment
    ) {
        say!(
            "signed out: unset {} to forget the session",
            crate::session_store::SESSION_VARIABLE
        );
    } else {
        say!("signed out");
    }
    Ok(())
}

fn sign_in_request(global: &GlobalArgs, args: &LoginArgs) -> Result<SignInRequest, CommandError> {
    let env = global.env.as_deref().ok_or_else(|| {
        CommandError::Usage(
            "login needs --env URL (or PERS_ENV): the PERS API base URL, `production`, or for a \
             local sandbox the base_url that `pers-sandbox` prints"
                .to_owned(),
        )
    })?;
    let base_url = connect::base_url_of(env)?;
    let project_key = global
        .project_key
        .clone()
        .filter(|key| !key.trim().is_empty())
        .ok_or_else(|| {
            CommandError::Usage(
                "login needs --project-key KEY (or PERS_PROJECT_KEY): the tenant's project key"
                    .to_owned(),
            )
        })?;
    let (email, password, identity_url) = match &args.email {
        Some(email) => {
            let password = args.password.clone().ok_or_else(|| {
                CommandError::Usage(format!(
                    "login --email {email} needs --password (or PERS_PASSWORD)"
                ))
            })?;
            let identity_url = connect::identity_url_for(global, &base_url)?;
            (email.clone(), password, identity_url)
        }
        None => (String::new(), String::new(), String::new()),
    };
    let kind = match (args.kind, &args.business) {
        (Some(KindArg::Business), _) | (None, Some(_)) => AuthType::Business,
        (Some(KindArg::Tenant), Some(business)) => {
            return Err(CommandError::Usage(format!(
                "--business {business} needs --kind business: tenant admins act for the whole \
                 tenant"
            )));
        }
        (Some(KindArg::Tenant), None) | (None, None) => AuthType::Tenant,
    };
    Ok(SignInRequest {
        environment: connect::environment_name(&base_url).to_owned(),
        base_url,
        identity_url,
        project_key,
        email,
        password,
        provider_token: args.token.clone(),
        kind,
        business_id: args.business.clone(),
    })
}

fn print_business_options(options: &[BusinessOption], output: &Output) {
    if output.json {
        let choices: Vec<BusinessChoice<'_>> = options
            .iter()
            .map(|option| BusinessChoice {
                business_id: &option.business_id,
                display_name: option.display_name.as_deref(),
                role: option.role.as_deref(),
            })
            .collect();
        output.json_line(&serde_json::json!({ "businesses": choices }));
        return;
    }
    eprintln!("this account belongs to several businesses:");
    for option in options {
        let name = option.display_name.as_deref().unwrap_or("(no name)");
        let role = option.role.as_deref().unwrap_or("-");
        eprintln!("  {}\t{name}\t{role}", option.business_id);
    }
}

//! The `rawcd` command line.
fn main() {
    eprintln!("rawcd: the command line is not built yet; see the README");
    std::process::exit(1);
}
